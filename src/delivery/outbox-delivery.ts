import type { Clock } from '../conversation/clock.ts';
import type { RuntimeEvents, SentReply } from '../conversation/runtime-events.ts';
import type { SentLog } from '../durability/sent-log.ts';
import { dropFirstFromOutbox } from '../durability/outbox.ts';
import type { Logger } from '../logger.ts';
import { ProviderError } from '../providers/provider.ts';
import type { ContactRecord, OutboxEntry } from '../store/contact-record.ts';
import { noteReplyFailed, noteReplySent } from '../observability/contact-history.ts';
import { getById, pruneOutbound, setById } from '../store/record-history.ts';
import type { SessionStore } from '../store/session-store.ts';
import { DeliveryHaltedError, type OutboundSender } from './outbound-sender.ts';
import { retryDelay, type RetryPolicy } from './retry.ts';
import { CUSTOMER_SERVICE_WINDOW_MS, needsOpenWindow, WINDOW_CLOSED_CODE } from './window.ts';

/** A reply that keeps failing in a retryable way is given up this long after it was decided, unless told otherwise. */
export const DEFAULT_GIVE_UP_MS = 24 * 60 * 60 * 1000;

export interface OutboxDeliveryOptions {
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  events: RuntimeEvents;
  sender: OutboundSender;
  providerName: (businessNumberId: string) => string;
  sentLog: SentLog | undefined;
  retry: RetryPolicy | undefined;
  /** Outbound statuses kept per contact. */
  outboundHistory: number;
  /** Runs the contact's delivery again at `at` (through its queue). */
  scheduleRetry: (key: string, at: number) => void;
  /** A reply failed for good: tell the machine (`bot.failed`), in a step after this one. */
  onFailed: (record: ContactRecord, error: ProviderError) => void;
  /** A reply given up after retries: keep it for `POST /api/parked/{id}/retry`. */
  onGiveUp: (record: ContactRecord, entry: OutboxEntry, error: ProviderError) => Promise<void>;
}

/** What became of one outbox entry in a delivery run. */
export interface DeliveryOutcome {
  entryId: string;
  sent: SentReply;
}

function asProviderError(error: unknown, provider: string): ProviderError {
  return error instanceof ProviderError ? error : new ProviderError(String(error), { provider, code: 0, title: String(error), retryable: false });
}

/**
 * Sends a contact's outbox oldest first. Each reply leaves the outbox in a save right after the
 * provider answered, so a crash repeats at most the one reply in flight (and the sent log narrows
 * even that). A retryable failure keeps the reply at the head of the outbox with the time of its
 * next attempt (backoff, at least the gateway's Retry-After) and returns: the contact's queue is
 * free for its next messages, whose replies wait behind it, in order. A reply is given up when it
 * fails for good, when the window closes on a free-form reply, or after `giveUpAfterMs`; then the
 * machine gets `bot.failed`, and one given up after retries is parked.
 */
export class OutboxDelivery {
  /** Set when the bot must stop now: no new provider call starts. */
  private halted = false;
  /** Provider calls whose answer has not come back yet. */
  private inFlight = 0;
  private landed: Array<() => void> = [];

  constructor(private readonly options: OutboxDeliveryOptions) {}

  /**
   * Starts no new provider call from now on, and resolves once the calls in flight have been
   * answered (their message ids recorded). A process that must exit before its queue is drained
   * calls this first, so that a reply is not sent again at the next start merely because its
   * answer was still on the way.
   */
  halt(): Promise<void> {
    this.halted = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.landed.push(resolve));
  }

  /** Delivers what is due; the caller holds the contact's queue. */
  async deliver(record: ContactRecord): Promise<DeliveryOutcome[]> {
    const { clock, store, sentLog } = this.options;
    const outcomes: DeliveryOutcome[] = [];
    for (let entry = record.outbox?.[0]; entry && !this.halted; entry = record.outbox?.[0]) {
      if (entry.nextAttemptAt !== undefined && entry.nextAttemptAt > clock.now()) {
        this.options.scheduleRetry(record.key, entry.nextAttemptAt);
        break;
      }
      let saved = () => {};
      const sentBefore = sentLog?.sentBefore(record.key, entry.id);
      if (sentBefore !== undefined) {
        // Accepted earlier (before a crash, or before a save that failed): do not send it again.
        if (getById(record.outbound, sentBefore) === undefined) setById(record.outbound, sentBefore, { status: 'accepted', at: clock.now(), type: entry.message.type });
        noteReplySent(record, entry.id, sentBefore);
      } else {
        const outcome = await this.attempt(record, entry);
        if (outcome === 'halted') break; // the entry stays in the outbox, untouched
        try {
          if (outcome.sent.messageId !== undefined && sentLog) saved = sentLog.record(record.key, entry.id, outcome.sent.messageId);
        } finally {
          // Its answer is in (and recorded): a halt waiting for calls in flight may go on.
          if (outcome.called) this.landedOne();
        }
        outcomes.push({ entryId: entry.id, sent: outcome.sent });
        if (outcome.retryAt !== undefined) {
          await store.save(record);
          this.options.scheduleRetry(record.key, outcome.retryAt);
          break;
        }
      }
      dropFirstFromOutbox(record);
      pruneOutbound(record, this.options.outboundHistory);
      record.updatedAt = clock.now();
      await store.save(record);
      saved();
    }
    return outcomes;
  }

  /** One attempt at the head entry; on a retryable failure the entry is updated for the next one. */
  private async attempt(record: ContactRecord, entry: OutboxEntry): Promise<{ sent: SentReply; called: boolean; retryAt?: number } | 'halted'> {
    const { clock, logger, events } = this.options;
    const sent: SentReply = { key: record.key, businessNumberId: record.businessNumberId, to: record.waId, message: entry.message, ...(entry.agent ? { agent: entry.agent } : {}) };
    let called = false;
    try {
      // Window check, throughput limiter, one provider call (src/delivery).
      const request = { businessNumberId: record.businessNumberId, to: record.waId, message: entry.message, lastInboundAt: record.lastInboundAt };
      const { messageId } = await this.options.sender.attempt(request, () => {
        if (this.halted) return false;
        called = true;
        this.inFlight++;
        return true;
      });
      sent.messageId = messageId;
      setById(record.outbound, messageId, { status: 'accepted', at: clock.now(), type: entry.message.type });
      noteReplySent(record, entry.id, messageId);
      events.emit('reply', sent);
      return { sent, called };
    } catch (error) {
      if (error instanceof DeliveryHaltedError) return 'halted';
      const providerError = asProviderError(error, this.options.providerName(record.businessNumberId));
      sent.error = providerError;
      const now = clock.now();
      const retryAt = this.nextAttemptAt(record, entry, providerError, now);
      // Only gateway calls: a refusal before any call (the closed window) is no gateway's error.
      if (called && events.has('providerError')) {
        events.emit('providerError', { key: record.key, provider: providerError.details.provider, operation: 'send', error: providerError, willRetry: retryAt !== undefined });
      }
      if (retryAt !== undefined) {
        entry.attempts = (entry.attempts ?? 0) + 1;
        entry.nextAttemptAt = retryAt;
        entry.lastError = { code: providerError.code, title: providerError.title };
        record.updatedAt = now;
        sent.willRetry = true;
        logger.warn({ err: error, contact: record.key, type: entry.message.type, attempt: entry.attempts, retryInMs: retryAt - now }, 'reply not sent yet: retrying later');
        events.emit('retry', { key: record.key, message: entry.message, error: providerError, attempt: entry.attempts, nextAttemptAt: retryAt });
        return { sent, called, retryAt };
      }
      if (providerError.code === WINDOW_CLOSED_CODE) {
        // Expected, not a fault of the bot: one line that says what happened and what to send instead.
        logger.warn(
          { contact: record.key, type: entry.message.type, code: WINDOW_CLOSED_CODE },
          `reply not sent: the user last wrote more than 24 hours ago, so WhatsApp accepts only templates (code ${WINDOW_CLOSED_CODE})${entry.causedByFailure ? '' : '; the flow receives bot.failed'}`,
        );
      } else {
        logger.error({ err: error, contact: record.key, type: entry.message.type, attempts: (entry.attempts ?? 0) + 1 }, 'reply could not be sent');
      }
      // Tell the machine, unless this reply was itself the reaction to a failure (no loops).
      if (!entry.causedByFailure) this.options.onFailed(record, providerError);
      // Parked before it leaves the outbox: a crash in between tries it again rather than losing it.
      if ((entry.attempts ?? 0) > 0 || entry.retriedFromParked !== undefined) await this.options.onGiveUp(record, entry, providerError);
      noteReplyFailed(record, entry.id, providerError);
      events.emit('reply', sent);
      return { sent, called };
    }
  }

  private landedOne(): void {
    if (--this.inFlight > 0) return;
    for (const resolve of this.landed.splice(0)) resolve();
  }

  /** When to try a reply again after `error`, or undefined to give it up. */
  private nextAttemptAt(record: ContactRecord, entry: OutboxEntry, error: ProviderError, now: number): number | undefined {
    if (!error.retryable) return undefined;
    const policy = this.options.retry ?? {};
    const failures = (entry.attempts ?? 0) + 1;
    if (failures >= (policy.maxAttempts ?? Infinity)) return undefined;
    const at = now + retryDelay(failures, error, policy);
    const giveUpAt = entry.decidedAt + (policy.giveUpAfterMs ?? DEFAULT_GIVE_UP_MS);
    // WhatsApp refuses free-form messages once the window has closed: no point trying past it.
    const windowEnd = needsOpenWindow(entry.message) && record.lastInboundAt !== undefined ? record.lastInboundAt + CUSTOMER_SERVICE_WINDOW_MS : Infinity;
    return at <= Math.min(giveUpAt, windowEnd) ? at : undefined;
  }
}
