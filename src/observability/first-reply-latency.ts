import type { SentReply, StepReport } from '../conversation/runtime-events.ts';

/** Contacts waiting for a first reply that are remembered at most (the oldest are forgotten). */
const MAX_WAITING = 100_000;

/**
 * How long a user waits for the bot: from the `inbound` event (the runtime takes the message up)
 * to the first reply to that contact the gateway accepted. A contact's jobs run one at a time
 * (step, then its replies), so the first reply sent after a message whose step decided replies is
 * the answer to it. A step that decided none, or failed, ends the wait unmeasured. Approximation:
 * when a reply waits for a retry (gateway outage) and the user writes again meanwhile, the wait is
 * measured from the newer message.
 */
export class FirstReplyLatency {
  /** Contact key → performance.now() of its unanswered message. Map order: oldest first. */
  private readonly waiting = new Map<string, number>();

  constructor(private readonly observe: (seconds: number) => void) {}

  inbound(key: string): void {
    this.waiting.delete(key); // re-inserted: keeps the map ordered by age
    this.waiting.set(key, performance.now());
    if (this.waiting.size > MAX_WAITING) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
    }
  }

  step(report: StepReport): void {
    if (report.messageId !== undefined && (report.replies === 0 || report.error !== undefined)) this.waiting.delete(report.key);
  }

  reply(reply: SentReply): void {
    if (reply.messageId === undefined) return;
    const since = this.waiting.get(reply.key);
    if (since === undefined) return;
    this.waiting.delete(reply.key);
    this.observe((performance.now() - since) / 1000);
  }
}
