import type { UserEvent } from '../messages/inbound-events.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { ParkedInbound, ParkedMessage, ParkedReply } from './parked-store.ts';
import type { OutboxEntry } from '../store/contact-record.ts';
import type { ProviderError } from '../providers/provider.ts';

/** What a retry of a parked message did. */
export type RetryOutcome =
  | { status: 'delivered' }
  /** A reply put back in the outbox failed again in a retryable way: it is being retried. */
  | { status: 'retrying'; error: string }
  | { status: 'parked'; error: string }
  | { status: 'unknown' };

/** `Name: message` of whatever a flow threw (xstate passes thrown values through untouched). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

/** The parked entry for a failed message: new, or the existing one with one more attempt. */
export function parkedEntry(
  existing: ParkedMessage | undefined,
  failure: { record: ContactRecord; event: UserEvent; flow: string; error: unknown; now: number },
): ParkedInbound {
  const { record, event, flow, error, now } = failure;
  return {
    id: event.messageId,
    key: record.key,
    businessNumberId: record.businessNumberId,
    waId: record.waId,
    flow,
    event,
    error: describeError(error),
    parkedAt: existing?.parkedAt ?? now,
    lastAttemptAt: now,
    attempts: (existing?.attempts ?? 0) + 1,
  };
}

/** The parked entry for a reply given up after retries (new, or the one it was retried from). */
export function parkedReply(
  existing: ParkedMessage | undefined,
  failure: { record: ContactRecord; entry: OutboxEntry; error: ProviderError; now: number },
): ParkedReply {
  const { record, entry, error, now } = failure;
  return {
    kind: 'reply',
    id: entry.retriedFromParked ?? entry.id,
    key: record.key,
    businessNumberId: record.businessNumberId,
    waId: record.waId,
    message: entry.message,
    decidedAt: entry.decidedAt,
    code: error.code,
    error: `${error.code} ${error.title}`,
    parkedAt: existing?.parkedAt ?? now,
    lastAttemptAt: now,
    attempts: (existing?.attempts ?? 0) + (entry.attempts ?? 0) + 1,
  };
}
