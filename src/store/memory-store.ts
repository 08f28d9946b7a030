import { handoverMark, nextFireAt, type ContactRecord } from './contact-record.ts';
import type { SessionStore } from './session-store.ts';

/**
 * Keeps records in memory, round-tripping them through JSON on every load and save so a test
 * behaves like real storage (no shared references, no non-JSON values slipping through).
 */
export function memoryStore(): SessionStore & {
  /** Every record, by key, as last saved (for assertions in tests). */
  dump(): Record<string, ContactRecord>;
} {
  const records = new Map<string, string>();
  return {
    async load(key) {
      const json = records.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as ContactRecord);
    },
    async save(record) {
      records.set(record.key, JSON.stringify(record));
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
