import { IdleTracker } from './idle-tracker.ts';

/**
 * Runs jobs one at a time per key, in the order they were queued; different keys run
 * concurrently. A job that throws does not stop the jobs behind it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private pending = 0;
  private readonly idleness = new IdleTracker(() => this.pending > 0);

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** Number of jobs queued or running. */
  get size(): number {
    return this.pending;
  }

  push(key: string, job: () => Promise<void>): Promise<void> {
    this.pending++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(job).catch((error: unknown) => this.onError(key, error));
    const tail = run.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.pending--;
      this.idleness.check();
    });
    this.tails.set(key, tail);
    return tail;
  }

  /**
   * Keeps `idle()` waiting until the returned function is called (once): work promised for later
   * (a reply waiting for its next attempt) is not a job, but not idle either.
   */
  hold(): () => void {
    return this.idleness.hold();
  }

  /** Resolves when every queued job has finished and nothing is held. */
  idle(): Promise<void> {
    return this.idleness.idle();
  }
}
