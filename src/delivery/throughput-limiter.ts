import type { Clock } from '../conversation/clock.ts';
import { TokenBucket } from './token-bucket.ts';

/** How fast messages may go out: per business number, and per recipient. */
export interface ThroughputLimits {
  /** Messages per second per business number (default 80, WhatsApp's default throughput). */
  perNumberMps?: number;
  /**
   * Messages a single recipient may get back to back before pacing starts (default 20). WhatsApp's
   * pair rate limit (131056) allows bursts, then about one message per 6 s to the same user.
   */
  recipientBurst?: number;
  /** Pace after the burst, per recipient, in ms between messages (default 6000). */
  recipientIntervalMs?: number;
}

const PRUNE_AT = 10_000;

/**
 * Spaces sends so WhatsApp's rate-limit errors (130429 throughput, 131056 pair rate) are not
 * triggered in the first place: one bucket per business number, one per (number, recipient).
 * `acquire` resolves when the send may go out.
 */
export class ThroughputLimiter {
  private readonly numbers = new Map<string, TokenBucket>();
  private readonly recipients = new Map<string, TokenBucket>();
  private readonly perNumberMps: number;
  private readonly recipientBurst: number;
  private readonly recipientPerSecond: number;
  /** Map size at which the next prune runs; doubles past a prune that freed little, so pruning stays O(1) per send. */
  private pruneAt = PRUNE_AT;

  constructor(
    private readonly clock: Clock,
    limits: ThroughputLimits = {},
  ) {
    this.perNumberMps = limits.perNumberMps ?? 80;
    this.recipientBurst = limits.recipientBurst ?? 20;
    this.recipientPerSecond = 1000 / Math.max(1, limits.recipientIntervalMs ?? 6000);
  }

  /** How long a send from `businessNumberId` to `to` must wait now (and reserves its slot). */
  reserve(businessNumberId: string, to: string): number {
    const now = this.clock.now();
    let number = this.numbers.get(businessNumberId);
    if (!number) this.numbers.set(businessNumberId, (number = new TokenBucket(this.perNumberMps, this.perNumberMps, now)));
    const key = `${businessNumberId}:${to}`;
    let recipient = this.recipients.get(key);
    if (!recipient) {
      if (this.recipients.size >= this.pruneAt) this.prune(now);
      this.recipients.set(key, (recipient = new TokenBucket(this.recipientBurst, this.recipientPerSecond, now)));
    }
    return Math.max(number.reserve(now), recipient.reserve(now));
  }

  /** Resolves when a send from `businessNumberId` to `to` may go out. */
  acquire(businessNumberId: string, to: string): Promise<void> {
    const wait = this.reserve(businessNumberId, to);
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => void this.clock.setTimeout(resolve, wait));
  }

  /**
   * Forgets recipients whose bucket has refilled: they carry no state worth keeping. With many
   * recipients still refilling (one message each minute or so), a prune frees little; the next one
   * waits until the map has doubled, or each new recipient would rescan the whole map (it was 6% of
   * the bot's CPU in the benchmark).
   */
  private prune(now: number): void {
    for (const [key, bucket] of this.recipients) if (bucket.isIdle(now)) this.recipients.delete(key);
    this.pruneAt = Math.max(PRUNE_AT, this.recipients.size * 2);
  }
}
