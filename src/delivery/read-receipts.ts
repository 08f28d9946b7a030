import type { Clock } from '../conversation/clock.ts';
import type { RuntimeEvents } from '../conversation/runtime-events.ts';
import type { Logger } from '../logger.ts';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { Provider } from '../providers/provider.ts';
import { sleepOn, withRetry, type RetryPolicy } from './retry.ts';

/**
 * A read receipt is worth little once the user has waited: it is retried briefly (three attempts
 * within about two seconds) and then dropped, counted, never holding up the conversation.
 */
export const READ_RECEIPT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 1000 };

/**
 * Marks inbound messages read (the blue ticks) without making the contact's step wait for it.
 * The runtime is not idle while one is in flight; `settled()` lets a shutdown wait for them.
 */
export class ReadReceipts {
  private readonly inFlight = new Set<Promise<void>>();
  /** Receipts sent and dropped since start. */
  readonly counts = { sent: 0, failed: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly events: RuntimeEvents,
    /** Keeps the runtime from counting as idle while a receipt is in flight (returns the release). */
    private readonly hold: () => () => void = () => () => {},
    private readonly policy: RetryPolicy = READ_RECEIPT_RETRY,
  ) {}

  send(provider: Provider, key: string, event: UserEvent): void {
    const receipt = withRetry(() => provider.markRead({ businessNumberId: event.businessNumberId, messageId: event.messageId }), {
      policy: this.policy,
      sleep: sleepOn(this.clock),
    }).then(
      () => {
        this.counts.sent++;
        this.events.emit('receipt', { key, messageId: event.messageId, outcome: 'sent' });
      },
      (error: unknown) => {
        this.counts.failed++;
        this.logger.warn({ err: error, contact: key, messageId: event.messageId }, 'read receipt dropped after retries');
        this.events.emit('receipt', { key, messageId: event.messageId, outcome: 'failed' });
      },
    );
    this.inFlight.add(receipt);
    const release = this.hold();
    void receipt.finally(() => {
      this.inFlight.delete(receipt);
      release();
    });
  }

  /** Resolves when every receipt sent so far has been delivered or dropped. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}
