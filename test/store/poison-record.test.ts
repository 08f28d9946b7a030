import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyRecord } from '../../src/store/contact-record.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-poison-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileOf = (key: string) => join(dir, 'contacts', createHash('sha1').update(key).digest('hex').slice(0, 2), `${Buffer.from(key).toString('base64url')}.json`);

describe('a record that cannot be written, found in the journal at start (after a crash)', () => {
  it('is quarantined and reported; the store opens and the other records are recovered', async () => {
    const crashed = await lowdbStore({ dir });
    await crashed.save({ ...emptyRecord('PN', 'poison'), updatedAt: 1 });
    await crashed.save({ ...emptyRecord('PN', 'fine'), updatedAt: 2 });
    // No close(): the records are only in the journal, as after a kill -9. Then the file's name is taken.
    await mkdir(fileOf('PN:poison'), { recursive: true });
    const reported: string[] = [];
    const reopened = await lowdbStore({ dir, onQuarantine: (key) => reported.push(key) });
    expect(reported).toEqual(['PN:poison']);
    expect(await readdir(join(dir, 'quarantine'))).toHaveLength(1);
    expect((await reopened.load('PN:fine'))?.updatedAt).toBe(2);
    await reopened.close();
  });
});
