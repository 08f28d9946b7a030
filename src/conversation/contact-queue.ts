/**
 * Runs jobs one at a time per key, in the order they were queued; different keys run
 * concurrently. A job that throws does not stop the jobs behind it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];

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
      if (--this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
    this.tails.set(key, tail);
    return tail;
  }

  /** Resolves when every queued job has finished. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
