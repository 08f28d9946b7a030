import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJsonFile } from './atomic-json-file.ts';
import type { ContactRecord } from './contact-record.ts';

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
export function fileFor(dir: string, key: string): { shard: string; file: string } {
  const hash = createHash('sha1').update(key).digest('hex');
  const shard = join(dir, 'contacts', hash.slice(0, 2));
  const encoded = Buffer.from(key).toString('base64url');
  return { shard, file: join(shard, (encoded.length <= MAX_PLAIN_NAME ? encoded : HASHED + createHash('sha256').update(key).digest('hex')) + '.json') };
}

/** Every contact that has a file in `dir`, its key read back from the file name. */
export async function contactKeysOnDisk(dir: string): Promise<string[]> {
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
