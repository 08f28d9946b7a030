import type { Clock } from './clock.ts';

/** Node timers overflow past ~24.8 days; longer waits re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * One pending wake-up per contact (its earliest persisted timer). When it comes due, `fire(key)`
 * runs; overdue timers (e.g. found after a restart) fire at once.
 */
export class TimerScheduler {
  private readonly handles = new Map<string, { at: number; handle: unknown }>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (key: string) => void,
  ) {}

  set(key: string, at: number | undefined): void {
    const existing = this.handles.get(key);
    if (existing?.at === at) return;
    if (existing) this.clock.clearTimeout(existing.handle);
    this.handles.delete(key);
    if (at === undefined || this.stopped) return;
    const delay = Math.min(MAX_DELAY, Math.max(0, at - this.clock.now()));
    const handle = this.clock.setTimeout(() => {
      if (this.handles.get(key)?.handle !== handle) return;
      this.handles.delete(key);
      if (this.clock.now() < at) this.set(key, at);
      else this.fire(key);
    }, delay);
    this.handles.set(key, { at, handle });
  }

  get size(): number {
    return this.handles.size;
  }

  stop(): void {
    this.stopped = true;
    for (const { handle } of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }
}
