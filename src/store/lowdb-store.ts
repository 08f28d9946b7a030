import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, removeInterruptedWrites } from './atomic-json-file.ts';
import { threadedCheckpointWriter } from './checkpoint-writer.ts';
import { ContactJournal } from './contact-journal.ts';
import { handoverMark, nextFireAt, type ContactRecord } from './contact-record.ts';
import type { SessionStore } from './session-store.ts';
import { LocalLeases } from './lease.ts';
import { KeyIndex } from './key-index.ts';
import { mkdirPrivate, PRIVATE_FILE_MODE } from './private-files.ts';
import { isPerRecordError } from './write-errors.ts';

/** Options of `lowdbStore`, the default store: one JSON file per contact, with a write-ahead journal. */
export interface LowdbStoreOptions {
  /** Folder for the data (created if missing). */
  dir: string;
  /** Durable saves (default true): a kill -9 or power loss never loses an acknowledged change. */
  fsync?: boolean;
  /**
   * Default true: saves go to a write-ahead journal with group commit (one fdatasync for every save
   * made meanwhile), and contact files are rewritten in place at checkpoints. False: every save is
   * one fsync'd atomic file write (temp file + rename), simpler on disk but about 1 ms of kernel CPU
   * per save on ext4 (docs/performance.md).
   */
  writeAhead?: boolean;
  /**
   * Journal segment size that triggers a checkpoint (contact files rewritten, made durable; default
   * 4 MiB). Smaller checkpoints flush less at once: a checkpoint's syncfs stalls the journal's
   * fsyncs while it runs (docs/performance.md).
   */
  journalMaxBytes?: number;
  /**
   * How many contacts' last saved documents stay in memory as JSON text (default 20,000; about
   * 0.5–2 KB each), least recently used evicted first. A miss costs a file read. No actor is kept.
   */
  cacheSize?: number;
  /** Changed contacts that trigger a journal checkpoint (their latest JSON is held until then; default 1,250). */
  journalMaxPending?: number;
  /** Called when a damaged contact file or index line is found and moved aside (the contact starts over; indexes are rebuilt). */
  onCorrupt?: (file: string, quarantinedAs: string, error: unknown) => void;
  /** A journal checkpoint failed (the journal is kept, so nothing acknowledged is lost). */
  onJournalError?: (error: unknown) => void;
  /** A checkpoint succeeded again after failures. */
  onJournalRecovered?: () => void;
  /** A record whose file cannot be written was kept aside in `quarantine/` (it no longer blocks anything). */
  onQuarantine?: (key: string, quarantinedAs: string, error: unknown) => void;
}

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
 * Longest base64url file name used as is. File systems cap names at 255 bytes; a contact key of
 * 64 CJK characters is 192 UTF-8 bytes and 256 in base64url, which no checkpoint could ever write.
 */
const MAX_PLAIN_NAME = 120;
/** Prefix of hashed file names (never produced by base64url, which has no `~`). */
const HASHED = '~';

/**
 * File names are the contact key in base64url (ids may hold any character), or a hash of it when
 * that would be long (the record inside still says its key); shards keep folders small.
 */
function fileFor(dir: string, key: string): { shard: string; file: string } {
  const hash = createHash('sha1').update(key).digest('hex');
  const shard = join(dir, 'contacts', hash.slice(0, 2));
  const encoded = Buffer.from(key).toString('base64url');
  return { shard, file: join(shard, (encoded.length <= MAX_PLAIN_NAME ? encoded : HASHED + createHash('sha256').update(key).digest('hex')) + '.json') };
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
  const damaged = (file: string, quarantinedAs: string) =>
    options.onCorrupt?.(file, quarantinedAs, new Error('damaged index line: the index is rebuilt from the contact records'));
  const index = new KeyIndex(join(dir, 'timers.jsonl'), damaged);
  const indexExisted = await index.open();
  const outboxIndex = new KeyIndex(join(dir, 'outbox.jsonl'), damaged);
  const outboxIndexExisted = await outboxIndex.open();
  // Contacts in a hand-over or with agent notifications pending (src/handover), found without reading every record.
  const handoverIndex = new KeyIndex(join(dir, 'handovers.jsonl'), damaged);
  const handoverIndexExisted = await handoverIndex.open();
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
          beforeDurable: () => {
            index.writeNoted();
            outboxIndex.writeNoted();
            handoverIndex.writeNoted();
          },
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

  /** Sets the indexes exactly for a record that is now durable. */
  async function indexExactly(key: string, record: ContactRecord): Promise<void> {
    await index.set(key, nextFireAt(record));
    await outboxIndex.set(key, record.outbox?.length || undefined);
    await handoverIndex.set(key, handoverMark(record));
  }

  async function allKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const shard of await readdir(join(dir, 'contacts'))) {
      for (const name of await readdir(join(dir, 'contacts', shard))) {
        if (!name.endsWith('.json')) continue;
        if (!name.startsWith(HASHED)) {
          keys.push(Buffer.from(name.slice(0, -5), 'base64url').toString());
          continue;
        }
        // A hashed name: the key is inside (rare: only absurdly long ids).
        const record = await new AtomicJsonFile<ContactRecord | null>(join(dir, 'contacts', shard, name)).read().catch(() => null);
        if (record?.key) keys.push(record.key);
      }
    }
    return keys;
  }

  /** Keeps a record that cannot be written where it belongs, with the reason, for someone to look at. */
  async function quarantine(key: string, json: string, error: unknown): Promise<void> {
    const folder = join(dir, 'quarantine');
    await mkdirPrivate(folder);
    const file = join(folder, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}-${Date.now()}.json`);
    const reason = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
    await writeFile(file, JSON.stringify({ key, reason, record: JSON.parse(json) as unknown }), { mode: PRIVATE_FILE_MODE });
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
      const fireAt = nextFireAt(record);
      const unsent = record.outbox?.length || undefined;
      const handover = handoverMark(record);
      const json = JSON.stringify(record);
      if (journal) {
        // The journal line is the durable record: after a crash, opening the store re-indexes every
        // record still in the journal, so the index lines can wait for the checkpoint that retires it.
        await journal.record(record.key, json, file);
        entry.json = json;
        index.note(record.key, fireAt);
        outboxIndex.note(record.key, unsent);
        handoverIndex.note(record.key, handover);
        return;
      }
      // Write-ahead: an index never misses work that a durable record holds. Before the record is
      // written the index may only gain an entry (or an earlier time); afterwards it is made exact.
      const indexedAt = index.get(record.key);
      if (fireAt !== undefined && (indexedAt === undefined || fireAt < indexedAt)) await index.set(record.key, fireAt);
      if (unsent !== undefined) await outboxIndex.set(record.key, unsent);
      if (handover !== undefined) await handoverIndex.set(record.key, handover);
      await adapter(file).writeText(json);
      // Only once durable: after a failed write, loads keep returning the last saved version.
      entry.json = json;
      await indexExactly(record.key, record);
    },
    async pendingTimers() {
      return index.entries();
    },
    async pendingOutbox() {
      return [...outboxIndex.entries().keys()];
    },
    async handoverContacts() {
      return [...handoverIndex.entries().keys()];
    },
    async keys() {
      const onDisk = await allKeys();
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
      await index.close();
      await outboxIndex.close();
      await handoverIndex.close();
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
      await indexExactly(key, JSON.parse(json) as ContactRecord);
    }
    cache.clear();
    await opened.finishRecovery(files);
  }

  // The indexes are derived data: if one is missing while contacts exist, rebuild it from the records.
  if (!indexExisted || !outboxIndexExisted || !handoverIndexExisted) {
    for (const key of await allKeys()) {
      const record = await store.load(key);
      if (record && !indexExisted) await index.set(key, nextFireAt(record));
      if (record && !outboxIndexExisted) await outboxIndex.set(key, record.outbox?.length || undefined);
      if (record && !handoverIndexExisted) await handoverIndex.set(key, handoverMark(record));
    }
  }
  return store;
}
