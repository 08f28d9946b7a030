import type { UserEvent } from '../messages/inbound-events.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { ParkedMessage } from './parked-store.ts';

/** What a retry of a parked message did. */
export type RetryOutcome =
  | { status: 'delivered' }
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
): ParkedMessage {
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
