import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

const journalFiles = async () => (await readdir(dir)).filter((name) => name.startsWith('journal-'));
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

  it('serves a contact that left the cache before its file was rewritten', async () => {
    const store = await lowdbStore({ dir, writeAhead: true, cacheSize: 3 });
    for (let i = 0; i < 10; i++) await store.save({ ...emptyRecord('PN', `e${i}`), updatedAt: i });
    for (let i = 0; i < 10; i++) expect((await store.load(`PN:e${i}`))?.updatedAt).toBe(i);
    expect((await store.keys()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `PN:e${i}`).sort());
    await store.close();
  });
});
