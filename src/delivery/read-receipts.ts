import type { Clock } from '../conversation/clock.ts';
import type { RuntimeEvents } from '../conversation/runtime-events.ts';
import type { Logger } from '../logger.ts';
import type { UserEvent } from '../messages/inbound-events.ts';
import { ProviderError, type Provider } from '../providers/provider.ts';
import { traceProviderCall } from '../observability/tracing.ts';
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
    const request = { businessNumberId: event.businessNumberId, messageId: event.messageId };
    const receipt = withRetry(() => traceProviderCall('mark_read', { provider: provider.name, key }, () => provider.markRead(request)), {
      policy: this.policy,
      sleep: sleepOn(this.clock),
      onRetry: (error) => this.reportError(provider, key, error, true),
    }).then(
      () => {
        this.counts.sent++;
        this.events.emit('receipt', { key, messageId: event.messageId, outcome: 'sent' });
      },
      (error: unknown) => {
        this.counts.failed++;
        this.reportError(provider, key, error, false);
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

  private reportError(provider: Provider, key: string, error: unknown, willRetry: boolean): void {
    if (!this.events.has('providerError')) return;
    const providerError = error instanceof ProviderError ? error : new ProviderError(String(error), { provider: provider.name, code: 0, title: String(error), retryable: false });
    this.events.emit('providerError', { key, provider: providerError.details.provider, operation: 'markRead', error: providerError, willRetry });
  }

  /** Resolves when every receipt sent so far has been delivered or dropped. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}
