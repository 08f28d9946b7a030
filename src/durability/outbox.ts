import { randomUUID } from 'node:crypto';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';

/**
 * The outbox: replies a transition decided are added to the contact record before the record is
 * saved, so the snapshot and the replies it implies are written in one atomic save. The runtime
 * then sends them oldest first and drops each one once the provider has answered.
 */
export function addToOutbox(record: ContactRecord, replies: readonly OutboundMessage[], decidedAt: number, causedByFailure: boolean): void {
  if (replies.length === 0) return;
  const entries = replies.map((message) => ({ id: randomUUID(), message, decidedAt, ...(causedByFailure ? { causedByFailure } : {}) }));
  record.outbox = [...(record.outbox ?? []), ...entries];
}

/** Removes the oldest entry (the provider answered for it). */
export function dropFirstFromOutbox(record: ContactRecord): void {
  record.outbox = record.outbox?.slice(1);
  if (record.outbox?.length === 0) delete record.outbox;
}

/**
 * Contacts with replies decided before the last stop or crash and not confirmed. Uses the store's
 * index when it has one; otherwise reads every record (fine for small or in-memory stores).
 */
export async function contactsWithUnsentReplies(store: SessionStore): Promise<string[]> {
  if (store.pendingOutbox) return store.pendingOutbox();
  const keys: string[] = [];
  for (const key of await store.keys()) if ((await store.load(key))?.outbox?.length) keys.push(key);
  return keys;
}
