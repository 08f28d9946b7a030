import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, removeInterruptedWrites } from './atomic-json-file.ts';
import { threadedCheckpointWriter } from './checkpoint-writer.ts';
import { contactKeysOnDisk, fileFor } from './contact-files.ts';
import { ContactJournal } from './contact-journal.ts';
import type { ContactRecord } from './contact-record.ts';
import type { LowdbStoreOptions } from './lowdb-store-options.ts';
import type { SessionStore } from './session-store.ts';
import { LocalLeases } from './lease.ts';
import { mkdirPrivate } from './private-files.ts';
import { quarantineRecord } from './record-quarantine.ts';
import { indexMarks, StoreIndexes } from './store-indexes.ts';
import { isPerRecordError } from './write-errors.ts';

export type { LowdbStoreOptions } from './lowdb-store-options.ts';

interface CacheEntry {
  file: string;
  shard: string;
  /**
   * The record as last saved, serialised. Kept as text rather than as an object: every load gets
   * its own copy from one JSON.parse, and the save reuses the text it writes anyway, where an object
   * cache needed a structuredClone on every load and every save (two of each per message).
   */
  json?: string;
}

/**
 * lowdb storage with one small document per contact (`contacts/<shard>/<key>.json`). lowdb
 * rewrites a whole file on every write, so one file for all contacts would make every message cost
 * in proportion to the number of contacts (528 ms per write at 100k contacts, measured here); one
 * file per contact keeps it constant.
 */
export async function lowdbStore(options: LowdbStoreOptions): Promise<SessionStore> {
  const { dir } = options;
  const cacheSize = options.cacheSize ?? 20_000;
  await mkdirPrivate(join(dir, 'contacts'));
  const shards = new Map<string, Promise<unknown>>();
  const cache = new Map<string, CacheEntry>();
  const indexes = await StoreIndexes.open(dir, (file, quarantinedAs) =>
    options.onCorrupt?.(file, quarantinedAs, new Error('damaged index line: the index is rebuilt from the contact records')),
  );
  // With the journal, durability comes from its group commit; contact files are rewritten at its checkpoints.
  const opened =
    options.writeAhead === false || options.fsync === false
      ? undefined
      : await ContactJournal.open({
          dir,
          maxBytes: options.journalMaxBytes ?? 4 * 1024 * 1024,
          maxPending: options.journalMaxPending ?? 1250,
          // In place: the journal holds each record until its file is durable, so a torn write is repaired at open.
          writer: threadedCheckpointWriter(),
          quarantine,
          ...(options.onJournalRecovered ? { onRecovered: options.onJournalRecovered } : {}),
          // Saves do not wait for their folder (see `save`); the files written at a checkpoint do.
          beforeWrite: async () => void (await Promise.all(shards.values())),
          onError: (error) => options.onJournalError?.(error),
          // The journal holds every noted index change until this runs (see `save`).
          beforeDurable: () => indexes.writeNoted(),
        });
  const journal = opened?.journal;
  // Without the journal, each contact file write is itself the durable save.
  const fsyncFiles = journal === undefined && options.fsync !== false;

  const adapter = (file: string) => new AtomicJsonFile<ContactRecord | null>(file, { fsync: fsyncFiles, onCorrupt: options.onCorrupt });

  /** The cache entry of a contact (its file name is hashed once, on a cache miss: 3 lookups a message). */
  function db(key: string): CacheEntry {
    let entry = cache.get(key);
    if (entry) {
      cache.delete(key); // re-insert: Map order is the LRU order
    } else {
      entry = fileFor(dir, key);
    }
    cache.set(key, entry);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry;
  }

  async function ensureShard(shard: string): Promise<void> {
    let ready = shards.get(shard);
    if (!ready) {
      // Once per shard and process: create it, and delete temp files of writes a kill interrupted (bounded disk).
      ready = mkdirPrivate(shard).then(() => removeInterruptedWrites(shard));
      shards.set(shard, ready);
      ready.catch(() => shards.delete(shard));
    }
    await ready;
  }

  /** Keeps a record that cannot be written where it belongs, with the reason, for someone to look at. */
  async function quarantine(key: string, json: string, error: unknown): Promise<void> {
    const file = await quarantineRecord(dir, key, json, error);
    options.onQuarantine?.(key, file, error);
  }

  const leases = new LocalLeases();
  const store: SessionStore = {
    async claim(key, owner, ttlMs) {
      const lease = leases.claim(key, owner, ttlMs);
      return lease && { lease, record: await store.load(key) };
    },
    async renew(lease, ttlMs) {
      return leases.renew(lease, ttlMs);
    },
    async release(lease) {
      leases.release(lease);
    },
    async load(key) {
      const entry = db(key);
      const json = entry.json ?? journal?.latest(key);
      if (json !== undefined) return JSON.parse(json) as ContactRecord;
      // Not saved by this process yet: lowdb reads the file. The parsed object is handed over, not
      // kept (the next save caches its text).
      const low = new Low<ContactRecord | null>(adapter(entry.file), null);
      await low.read();
      return low.data ?? undefined;
    },
    async save(record, lease) {
      // One process uses a lowdb store: its leases live in memory (the same contract as Redis's).
      if (lease) leases.check(lease);
      const entry = db(record.key);
      const { file, shard } = entry;
      // With the journal the file is written at a checkpoint, which waits for the folder: a save
      // does not. Preparing a folder lists it (to clean up interrupted writes), which at 100k
      // contacts cost the first save into each folder 0.2 ms (docs/performance.md, persist cost).
      if (!journal) await ensureShard(shard);
      else if (!shards.has(shard)) void ensureShard(shard).catch(() => {}); // a failure fails the checkpoint, which keeps the journal
      const marks = indexMarks(record);
      const json = JSON.stringify(record);
      if (journal) {
        // The journal line is the durable record: after a crash, opening the store re-indexes every
        // record still in the journal, so the index lines can wait for the checkpoint that retires it.
        await journal.record(record.key, json, file);
        entry.json = json;
        indexes.note(record.key, marks);
        return;
      }
      await indexes.widen(record.key, marks);
      await adapter(file).writeText(json);
      // Only once durable: after a failed write, loads keep returning the last saved version.
      entry.json = json;
      await indexes.setExactly(record.key, record);
    },
    async pendingTimers() {
      return indexes.pendingTimers();
    },
    async pendingOutbox() {
      return indexes.pendingOutbox();
    },
    async handoverContacts() {
      return indexes.handoverContacts();
    },
    async keys() {
      const onDisk = await contactKeysOnDisk(dir);
      return journal ? [...new Set([...onDisk, ...journal.keys()])] : onDisk;
    },
    observe(observer) {
      // Only the write-ahead journal fsyncs in groups; without it each save is its own atomic file write.
      const report = observer.journalFsync;
      if (!journal || !report) return () => {};
      return journal.fsyncTimings.add((seconds) => report.call(observer, 'store', seconds));
    },
    async close() {
      await journal?.close();
      await indexes.close();
      cache.clear();
    },
  };

  // Writes that a crash or power loss may have lost are in the journal: put them back first.
  if (opened && opened.recovered.size > 0) {
    const files: string[] = [];
    for (const [key, json] of opened.recovered) {
      const { file, shard } = db(key);
      try {
        await ensureShard(shard);
        await adapter(file).writeText(json);
      } catch (error) {
        // One record that can never be written must not stop every start: keep it aside.
        if (!isPerRecordError(error)) throw error;
        await quarantine(key, json, error);
        continue;
      }
      files.push(file);
      await indexes.setExactly(key, JSON.parse(json) as ContactRecord);
    }
    cache.clear();
    await opened.finishRecovery(files);
  }

  await indexes.rebuildMissing(() => contactKeysOnDisk(dir), (key) => store.load(key));
  return store;
}
