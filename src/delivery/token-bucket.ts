/**
 * A token bucket that hands out reservations: `reserve()` takes one token now and says how long
 * the caller must wait before using it (0 when one was available). Tokens may go negative, so
 * callers are served in the order they asked, and a burst is spread at exactly `perSecond`.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perSecond) / 1000);
      this.last = now;
    }
  }

  /** Takes a token; returns the wait in ms before it may be used. */
  reserve(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.perSecond);
  }

  /** Whether the bucket is full again (nothing owed): an idle bucket can be dropped. */
  isIdle(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}
