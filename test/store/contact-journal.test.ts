import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { waitUntil } from '../helpers/wait-until.ts';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyRecord } from '../../src/store/contact-record.ts';
import { GroupCommitLog } from '../../src/store/group-commit-log.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of the data folder as a kill -9 would leave it now (the live store keeps running on the original). */
const copyOf = async (from: string) => {
  const to = await mkdtemp(join(tmpdir(), 'chartbot-journal-crash-'));
  await cp(from, to, { recursive: true });
  copies.push(to);
  return to;
};
const copies: string[] = [];
afterEach(async () => {
  for (const copy of copies.splice(0)) await rm(copy, { recursive: true, force: true });
});
const readFileSyncText = (file: string) => readFileSync(file, 'utf8');
const journalFiles = async () => (await readdir(dir)).filter((name) => name.startsWith('journal-'));
const contactFile = async (key: string) => {
  for (const shard of await readdir(join(dir, 'contacts'))) {
    const name = `${Buffer.from(key).toString('base64url')}.json`;
    if ((await readdir(join(dir, 'contacts', shard))).includes(name)) return join(dir, 'contacts', shard, name);
  }
  throw new Error(`no file for ${key}`);
};
const contactFileCount = async () => {
  let count = 0;
  for (const shard of await readdir(join(dir, 'contacts'))) count += (await readdir(join(dir, 'contacts', shard))).filter((n) => n.endsWith('.json')).length;
  return count;
};

describe('group commit', () => {
  it('lines appended while a commit runs share the next one: fewer fsyncs than lines, every line kept', async () => {
    const log = new GroupCommitLog(join(dir, 'log.jsonl'));
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(`line ${i}\n`)));
    await log.close();
    const lines = (await readFile(join(dir, 'log.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(100);
    expect(new Set(lines).size).toBe(100);
    expect(log.commits).toBeGreaterThanOrEqual(1);
    expect(log.commits).toBeLessThan(100);
  });
});

describe('lowdb store journal', () => {
  it('an acknowledged save survives a crash that came before its contact file was written', async () => {
    const crashed = await lowdbStore({ dir, writeAhead: true });
    for (let i = 0; i < 30; i++) await crashed.save({ ...emptyRecord('PN', `49${i}`), snapshot: { value: `s${i}` } });
    await crashed.save({ ...emptyRecord('PN', '495'), snapshot: { value: 'newest' } });
    // No close(): the process died here. The contact files are written behind, at checkpoints.
    expect(await contactFileCount()).toBe(0);

    const reopened = await lowdbStore({ dir, writeAhead: true });
    expect((await reopened.load('PN:4917'))?.snapshot).toEqual({ value: 's17' });
    expect((await reopened.load('PN:495'))?.snapshot).toEqual({ value: 'newest' });
    expect(await reopened.keys()).toHaveLength(30);
    expect(await contactFileCount()).toBe(30); // recovery rewrote them and retired the old journal
    expect(await journalFiles()).toEqual([]);
    await reopened.close();
  });

  it('skips a journal line torn by a crash mid-append (that save was never acknowledged)', async () => {
    const crashed = await lowdbStore({ dir, writeAhead: true });
    await crashed.save(emptyRecord('PN', 'kept'));
    const [segment] = await journalFiles();
    await appendFile(join(dir, segment!), '"PN:torn"\t{"key":"PN:torn","wa');
    const reopened = await lowdbStore({ dir, writeAhead: true });
    expect(await reopened.load('PN:kept')).toEqual(emptyRecord('PN', 'kept'));
    expect(await reopened.load('PN:torn')).toBeUndefined();
    await reopened.close();
  });

  it('checkpoints rewrite the contact files and retire old segments while saves go on', async () => {
    const store = await lowdbStore({ dir, writeAhead: true, journalMaxBytes: 2_000 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) await store.save({ ...emptyRecord('PN', `c${i}`), updatedAt: round });
    }
    expect((await store.load('PN:c7'))?.updatedAt).toBe(2);
    await store.close();
    expect(await journalFiles()).toEqual([]);
    expect(await contactFileCount()).toBe(20);
    const reopened = await lowdbStore({ dir, writeAhead: true });
    for (let i = 0; i < 20; i++) expect((await reopened.load(`PN:c${i}`))?.updatedAt).toBe(2);
    await reopened.close();
  });

  it('checkpoints rewrite a contact file in place (same inode: no new file per save)', async () => {
    const first = await lowdbStore({ dir, writeAhead: true });
    await first.save({ ...emptyRecord('PN', 'p'), snapshot: { value: 'long '.repeat(50) } });
    await first.close();
    const file = await contactFile('PN:p');
    const inode = (await stat(file)).ino;
    const second = await lowdbStore({ dir, writeAhead: true });
    await second.save({ ...emptyRecord('PN', 'p'), snapshot: { value: 'short' } });
    await second.close();
    expect((await stat(file)).ino).toBe(inode);
    expect(JSON.parse(await readFile(file, 'utf8')).snapshot).toEqual({ value: 'short' }); // cut to the new length
  });

  it('a contact file torn by a crash mid-checkpoint is repaired from the journal at open', async () => {
    const first = await lowdbStore({ dir, writeAhead: true });
    await first.save({ ...emptyRecord('PN', 't'), snapshot: { value: 'old '.repeat(50) } });
    await first.close();
    const file = await contactFile('PN:t');
    const crashed = await lowdbStore({ dir, writeAhead: true });
    const newer = { ...emptyRecord('PN', 't'), snapshot: { value: 'new' } };
    await crashed.save(newer);
    // The process died in the checkpoint between writing the new bytes and cutting the file to length.
    const old = await readFile(file, 'utf8');
    await writeFile(file, JSON.stringify(newer) + old.slice(JSON.stringify(newer).length));
    expect(() => JSON.parse(readFileSyncText(file))).toThrow();
    const reports: string[] = [];
    const reopened = await lowdbStore({ dir, writeAhead: true, onCorrupt: (f) => reports.push(f) });
    expect(await reopened.load('PN:t')).toEqual(newer);
    expect(reports).toEqual([]);
    await reopened.close();
  });

  it('index lines wait for the checkpoint; a timer is found after a crash before or after it', async () => {
    const timer = (fireAt: number) => [{ id: 't', event: { type: 'x' }, fireAt }];
    const store = await lowdbStore({ dir, journalMaxBytes: 1_500 });
    await store.save({ ...emptyRecord('PN', 'early'), timers: timer(500) });
    expect(await readFile(join(dir, 'timers.jsonl'), 'utf8')).toBe(''); // no index write per save
    // No checkpoint yet, and the process dies: recovery re-indexes what the journal holds.
    expect(await (await lowdbStore({ dir: await copyOf(dir) })).pendingTimers()).toEqual(new Map([['PN:early', 500]]));
    // Enough saves for a checkpoint that retires the first segment (its index lines written first).
    for (let i = 0; i < 20; i++) await store.save({ ...emptyRecord('PN', `f${i}`), updatedAt: i });
    await waitUntil(async () => !(await journalFiles()).includes('journal-1.jsonl'), 'the first segment retired');
    // The process dies after the checkpoint: the record is only in its file now, the index says so.
    const reopened = await lowdbStore({ dir: await copyOf(dir) });
    expect(await reopened.pendingTimers()).toEqual(new Map([['PN:early', 500]]));
    await store.close();
  });

  it('serves a contact that left the cache before its file was rewritten', async () => {
    const store = await lowdbStore({ dir, writeAhead: true, cacheSize: 3 });
    for (let i = 0; i < 10; i++) await store.save({ ...emptyRecord('PN', `e${i}`), updatedAt: i });
    for (let i = 0; i < 10; i++) expect((await store.load(`PN:e${i}`))?.updatedAt).toBe(i);
    expect((await store.keys()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `PN:e${i}`).sort());
    await store.close();
  });
});
