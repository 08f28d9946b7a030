import type { Clock } from '../conversation/clock.ts';
import { parseDuration, type Duration } from './duration.ts';

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

  constructor(start: number | Date = Date.UTC(2025, 0, 6, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = ++this.seq;
    this.pending.set(handle, { at: this.current + Math.max(0, ms), seq: handle, fn });
    return handle;
  }

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
   * `runtime.idle`), so work a timer triggers, and timers that work arms, happen in order.
   */
  async advance(duration: Duration, settle: () => Promise<void> = async () => {}): Promise<void> {
    const target = this.current + parseDuration(duration);
    for (let guard = 0; guard < 100_000; guard++) {
      const due = [...this.pending.values()].filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending.delete(due.seq);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }
}
