import { handoverMark, nextFireAt, type ContactRecord } from './contact-record.ts';
import type { SessionStore } from './session-store.ts';
import { LocalLeases } from './lease.ts';

/**
 * Keeps records in memory, round-tripping them through JSON on every load and save so a test
 * behaves like real storage (no shared references, no non-JSON values slipping through).
 */
export function memoryStore(): SessionStore & {
  /** Every record, by key, as last saved (for assertions in tests). */
  dump(): Record<string, ContactRecord>;
} {
  const records = new Map<string, string>();
  const leases = new LocalLeases();
  const load = (key: string): ContactRecord | undefined => {
    const json = records.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as ContactRecord);
  };
  return {
    async load(key) {
      return load(key);
    },
    async save(record, lease) {
      if (lease) leases.check(lease);
      records.set(record.key, JSON.stringify(record));
    },
    async claim(key, owner, ttlMs) {
      const lease = leases.claim(key, owner, ttlMs);
      return lease && { lease, record: load(key) };
    },
    async renew(lease, ttlMs) {
      return leases.renew(lease, ttlMs);
    },
    async release(lease) {
      leases.release(lease);
    },
    async pendingTimers() {
      const due = new Map<string, number>();
      for (const [key, json] of records) {
        const at = nextFireAt(JSON.parse(json) as ContactRecord);
        if (at !== undefined) due.set(key, at);
      }
      return due;
    },
    async pendingOutbox() {
      return [...records].filter(([, json]) => ((JSON.parse(json) as ContactRecord).outbox?.length ?? 0) > 0).map(([key]) => key);
    },
    async handoverContacts() {
      return [...records].filter(([, json]) => handoverMark(JSON.parse(json) as ContactRecord) !== undefined).map(([key]) => key);
    },
    async keys() {
      return [...records.keys()];
    },
    async close() {},
    dump() {
      return Object.fromEntries([...records].map(([k, v]) => [k, JSON.parse(v) as ContactRecord]));
    },
  };
}
