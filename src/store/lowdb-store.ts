import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, removeInterruptedWrites } from './atomic-json-file.ts';
import { nextFireAt, type ContactRecord } from './contact-record.ts';
import type { SessionStore } from './session-store.ts';
import { KeyIndex } from './key-index.ts';

export interface LowdbStoreOptions {
  /** Folder for the data (created if missing). */
  dir: string;
  /** fsync every contact write (default true): a kill -9 or power loss never loses an acknowledged change. */
  fsync?: boolean;
  /** How many contact documents stay in memory (default 5000); idle contacts are evicted. */
  cacheSize?: number;
  onCorrupt?: (file: string, quarantinedAs: string, error: unknown) => void;
}

/** File names are the contact key in base64url (ids may hold any character); shards keep folders small. */
function fileFor(dir: string, key: string): { shard: string; file: string } {
  const shard = join(dir, 'contacts', createHash('sha1').update(key).digest('hex').slice(0, 2));
  return { shard, file: join(shard, Buffer.from(key).toString('base64url') + '.json') };
}

/**
 * lowdb storage with one small document per contact (`contacts/<shard>/<key>.json`). lowdb
 * rewrites a whole file on every write, so one file for all contacts would make every message cost
 * in proportion to the number of contacts (528 ms per write at 100k contacts, measured here); one
 * file per contact keeps it constant.
 */
export async function lowdbStore(options: LowdbStoreOptions): Promise<SessionStore> {
  const { dir } = options;
  const cacheSize = options.cacheSize ?? 5000;
  await mkdir(join(dir, 'contacts'), { recursive: true });
  const shards = new Map<string, Promise<unknown>>();
  const cache = new Map<string, Low<ContactRecord | null>>();
  const damaged = (file: string, quarantinedAs: string) =>
    options.onCorrupt?.(file, quarantinedAs, new Error('damaged index line: the index is rebuilt from the contact records'));
  const index = new KeyIndex(join(dir, 'timers.jsonl'), damaged);
  const indexExisted = await index.open();
  const outboxIndex = new KeyIndex(join(dir, 'outbox.jsonl'), damaged);
  const outboxIndexExisted = await outboxIndex.open();

  function db(key: string): { low: Low<ContactRecord | null>; shard: string } {
    const { shard, file } = fileFor(dir, key);
    let low = cache.get(key);
    if (low) {
      cache.delete(key); // re-insert: Map order is the LRU order
    } else {
      low = new Low<ContactRecord | null>(
        new AtomicJsonFile(file, { fsync: options.fsync ?? true, onCorrupt: options.onCorrupt }),
        null,
      );
    }
    cache.set(key, low);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return { low, shard };
  }

  async function allKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const shard of await readdir(join(dir, 'contacts'))) {
      for (const name of await readdir(join(dir, 'contacts', shard))) {
        if (name.endsWith('.json')) keys.push(Buffer.from(name.slice(0, -5), 'base64url').toString());
      }
    }
    return keys;
  }

  const store: SessionStore = {
    async load(key) {
      const { low } = db(key);
      if (low.data === null) await low.read();
      return low.data === null ? undefined : structuredClone(low.data);
    },
    async save(record) {
      const { low, shard } = db(record.key);
      let ready = shards.get(shard);
      if (!ready) {
        // Once per shard and process: create it, and delete temp files of writes a kill interrupted (bounded disk).
        ready = mkdir(shard, { recursive: true }).then(() => removeInterruptedWrites(shard));
        shards.set(shard, ready);
        ready.catch(() => shards.delete(shard));
      }
      await ready;
      const fireAt = nextFireAt(record);
      const unsent = record.outbox?.length || undefined;
      // Write-ahead: an index never misses work that a record on disk holds. Before the record is
      // written the index may only gain an entry (or an earlier time); afterwards it is made exact.
      const indexedAt = index.get(record.key);
      if (fireAt !== undefined && (indexedAt === undefined || fireAt < indexedAt)) await index.set(record.key, fireAt);
      if (unsent !== undefined) await outboxIndex.set(record.key, unsent);
      low.data = structuredClone(record);
      await low.write();
      await index.set(record.key, fireAt);
      await outboxIndex.set(record.key, unsent);
    },
    async pendingTimers() {
      return index.entries();
    },
    async pendingOutbox() {
      return [...outboxIndex.entries().keys()];
    },
    keys: allKeys,
    async close() {
      await index.close();
      await outboxIndex.close();
      cache.clear();
    },
  };

  // The indexes are derived data: if one is missing while contacts exist, rebuild it from the records.
  if (!indexExisted || !outboxIndexExisted) {
    for (const key of await allKeys()) {
      const record = await store.load(key);
      if (record && !indexExisted) await index.set(key, nextFireAt(record));
      if (record && !outboxIndexExisted) await outboxIndex.set(key, record.outbox?.length || undefined);
    }
  }
  return store;
}
