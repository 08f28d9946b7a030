import type { Clock } from '../conversation/clock.ts';
import { parseDuration, type Duration } from './duration.ts';

/** Bound on timeouts fired by one advance, so a timer loop fails loudly instead of hanging. */
const MAX_FIRINGS = 100_000;

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A Clock that moves only when told. The runtime's TimerScheduler arms its wake-ups here, so
 * `advance('10m')` fires the flow's `after` timers in time order with no real waiting.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly armWaiters = new Set<(at: number) => void>();

  constructor(start: number | Date = Date.UTC(2025, 0, 6, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  /** The fake time, in epoch milliseconds; it moves only with `advance`. */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` for when the fake time reaches now + `ms`. */
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = ++this.seq;
    const at = this.current + Math.max(0, ms);
    this.pending.set(handle, { at, seq: handle, fn });
    for (const waiter of this.armWaiters) waiter(at);
    return handle;
  }

  /** Cancels a scheduled timeout. */
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Number of armed timeouts (for tests of the clock itself). */
  get armed(): number {
    return this.pending.size;
  }

  /** When the next armed timeout is due, or undefined. */
  nextAt(): number | undefined {
    let next: number | undefined;
    for (const p of this.pending.values()) if (next === undefined || p.at < next) next = p.at;
    return next;
  }

  /**
   * Moves time forward by `duration`, firing every timeout that comes due, earliest first, with the
   * clock set to its due time. After each firing `settle` is awaited (the harness passes
   * `runtime.idle`), so work a timer triggers, and timers that work arms, happen in order. Work that
   * itself waits on this clock (a retry back-off, pacing) would never settle: when it arms a
   * timeout due within `duration`, that timeout fires next instead of waiting for the work.
   */
  async advance(duration: Duration, settle: () => Promise<void> = async () => {}): Promise<void> {
    const target = this.current + parseDuration(duration);
    for (let fired = 0; ; fired++) {
      if (fired > MAX_FIRINGS) throw new Error(`FakeClock.advance: more than ${MAX_FIRINGS} timeouts in one advance (a timer that re-arms itself?)`);
      const due = this.earliestDue(target);
      if (due) {
        this.pending.delete(due.seq);
        this.current = Math.max(this.current, due.at);
        due.fn();
      }
      const armed = this.whenArmedBy(target);
      const armedFirst = await Promise.race([settle().then(() => false), armed.promise]);
      armed.cancel();
      if (!armedFirst && !this.earliestDue(target)) break;
    }
    this.current = target;
  }

  private earliestDue(target: number): Pending | undefined {
    let earliest: Pending | undefined;
    for (const p of this.pending.values()) {
      if (p.at <= target && (!earliest || p.at < earliest.at || (p.at === earliest.at && p.seq < earliest.seq))) earliest = p;
    }
    return earliest;
  }

  /** Resolves with true as soon as a timeout due by `target` is armed. */
  private whenArmedBy(target: number): { promise: Promise<boolean>; cancel: () => void } {
    let waiter: ((at: number) => void) | undefined;
    const promise = new Promise<boolean>((resolve) => {
      waiter = (at) => at <= target && resolve(true);
      this.armWaiters.add(waiter);
    });
    return { promise, cancel: () => waiter && this.armWaiters.delete(waiter) };
  }
}
