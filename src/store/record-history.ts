import type { ContactRecord } from './contact-record.ts';

/**
 * The two id-keyed maps of a contact record (`seen`: inbound ids already handled; `outbound`: our
 * messages' statuses) hold ids taken from the wire. Ids such as `__proto__`, `constructor` or
 * `toString` must be plain keys: on an ordinary object `seen['constructor']` is an inherited
 * function (so the message looked handled) and `seen['__proto__'] = t` changes the prototype
 * instead of storing anything. Every access goes through these helpers, which use own properties
 * of null-prototype objects only.
 */

/** Rebuilds both maps as null-prototype objects (after JSON.parse they inherit from Object.prototype). */
export function withPlainKeyMaps(record: ContactRecord): ContactRecord {
  record.seen = toPlainKeyMap(record.seen);
  record.outbound = toPlainKeyMap(record.outbound);
  return record;
}

function toPlainKeyMap<T>(source: Record<string, T> | undefined): Record<string, T> {
  const map = Object.create(null) as Record<string, T>;
  // defineProperty, not assignment: `__proto__` must become an own key even on a normal object.
  for (const key of Object.keys(source ?? {})) Object.defineProperty(map, key, { value: source![key], enumerable: true, writable: true, configurable: true });
  return map;
}

/** Whether `map` holds `id` as its own key (never an inherited member). */
export function hasId(map: Record<string, unknown>, id: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, id);
}

/** The value stored under `id`, or undefined (never an inherited member). */
export function getById<T>(map: Record<string, T>, id: string): T | undefined {
  return hasId(map, id) ? map[id] : undefined;
}

/** Stores `value` under `id` as an own key, whatever the id is. */
export function setById<T>(map: Record<string, T>, id: string, value: T): void {
  Object.defineProperty(map, id, { value, enumerable: true, writable: true, configurable: true });
}

/** Inbound ids remembered per contact at most (the oldest are forgotten first). */
export const SEEN_CAP = 1000;

/** Records an inbound id as handled and forgets ids older than `retentionMs` or beyond the cap. */
export function markSeen(record: ContactRecord, messageId: string, now: number, retentionMs: number): void {
  setById(record.seen, messageId, now);
  const ids = Object.keys(record.seen);
  const oldest = ids[0] === undefined ? now : (getById(record.seen, ids[0]) ?? now);
  if (ids.length <= SEEN_CAP && oldest > now - retentionMs) return;
  for (const id of ids) if ((getById(record.seen, id) ?? 0) <= now - retentionMs) delete record.seen[id];
  dropOldest(record.seen, SEEN_CAP, (at) => at);
}

/**
 * Deletes all but the `cap` newest entries. Sorted by time rather than taken in key order: integer-like
 * ids ("123") come first in an object's key order whatever their age.
 */
function dropOldest<T>(map: Record<string, T>, cap: number, timeOf: (value: T) => number): void {
  const ids = Object.keys(map);
  if (ids.length <= cap) return;
  const byAge = ids.sort((a, b) => timeOf(map[a] as T) - timeOf(map[b] as T));
  for (const id of byAge.slice(0, ids.length - cap)) delete map[id];
}

/** Keeps the statuses of the `cap` most recent outbound messages. */
export function pruneOutbound(record: ContactRecord, cap: number): void {
  dropOldest(record.outbound, cap, (status) => status.at);
}
