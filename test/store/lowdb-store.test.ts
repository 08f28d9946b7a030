import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { emptyRecord } from '../../src/store/contact-record.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function contactFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const shard of await readdir(join(dir, 'contacts'))) {
    for (const name of await readdir(join(dir, 'contacts', shard))) files.push(join(dir, 'contacts', shard, name));
  }
  return files;
}

describe('lowdbStore', () => {
  it('keeps one small document per contact, readable after reopening', async () => {
    const store = await lowdbStore({ dir });
    for (let i = 0; i < 50; i++) await store.save({ ...emptyRecord('PN', `49${i}`), snapshot: { value: `s${i}` } });
    await store.close();
    const files = await contactFiles();
    expect(files).toHaveLength(50);
    const sizes = await Promise.all(files.map(async (f) => (await readFile(f)).length));
    expect(Math.max(...sizes)).toBeLessThan(300); // each file holds one contact only
    const reopened = await lowdbStore({ dir });
    expect((await reopened.load('PN:4917'))?.snapshot).toEqual({ value: 's17' });
    expect((await reopened.keys()).sort()).toHaveLength(50);
    await reopened.close();
  });

  it('ids with any character get a safe file name', async () => {
    const store = await lowdbStore({ dir });
    const record = emptyRecord('PN/../x', 'US.1:2/3');
    await store.save(record);
    expect(await store.keys()).toEqual([record.key]);
    expect(await store.load(record.key)).toEqual(record);
    await store.close();
  });

  it('returns copies: changing a loaded record does not change the store until it is saved', async () => {
    const store = await lowdbStore({ dir });
    await store.save(emptyRecord('PN', '1'));
    const loaded = (await store.load('PN:1'))!;
    loaded.seen['x'] = 1;
    expect((await store.load('PN:1'))?.seen).toEqual({});
    await store.close();
  });

  it('moves a corrupt file aside with a report instead of discarding it silently', async () => {
    const store = await lowdbStore({ dir });
    await store.save(emptyRecord('PN', '7'));
    await store.close();
    const [file] = await contactFiles();
    await writeFile(file!, '{"key":"PN:7","tim'); // torn by hand
    const reports: string[] = [];
    const reopened = await lowdbStore({ dir, onCorrupt: (f, moved) => reports.push(`${f} -> ${moved}`) });
    expect(await reopened.load('PN:7')).toBeUndefined();
    expect(reports).toHaveLength(1);
    const names = await readdir(join(file!, '..'));
    expect(names.some((n) => n.includes('.corrupt-'))).toBe(true);
    await reopened.close();
  });

  it('tracks each contact’s earliest timer, survives a torn index line, and rebuilds a lost index', async () => {
    const store = await lowdbStore({ dir });
    await store.save({ ...emptyRecord('PN', 'a'), timers: [{ id: 't1', event: { type: 'x' }, fireAt: 500 }, { id: 't2', event: { type: 'y' }, fireAt: 200 }] });
    await store.save({ ...emptyRecord('PN', 'b'), timers: [{ id: 't', event: { type: 'x' }, fireAt: 900 }] });
    await store.save({ ...emptyRecord('PN', 'b'), timers: [] });
    await store.close();
    await writeFile(join(dir, 'timers.jsonl'), (await readFile(join(dir, 'timers.jsonl'), 'utf8')) + '{"k":"PN:c","a');
    const reopened = await lowdbStore({ dir });
    expect(await reopened.pendingTimers()).toEqual(new Map([['PN:a', 200]]));
    await reopened.close();

    await rm(join(dir, 'timers.jsonl'));
    const rebuilt = await lowdbStore({ dir });
    expect(await rebuilt.pendingTimers()).toEqual(new Map([['PN:a', 200]]));
    await rebuilt.close();
  });

  it('leaves no temp files behind', async () => {
    const store = await lowdbStore({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ ...emptyRecord('PN', 'same'), updatedAt: i })));
    await store.close();
    const names = (await contactFiles()).map((f) => f.split('/').pop());
    expect(names.filter((n) => n?.endsWith('.tmp'))).toEqual([]);
  });

  it('deletes temp files of writes a killed process left behind, and never the documents', async () => {
    const store = await lowdbStore({ dir });
    await store.save({ ...emptyRecord('PN', 'k'), snapshot: { value: 'kept' } });
    await store.close();
    const [file] = await contactFiles();
    const leftover = `${file!}.0123456789ab.7.tmp`;
    await writeFile(leftover, '{"key":"PN:k","snap'); // a write interrupted before its rename
    const reopened = await lowdbStore({ dir });
    expect((await reopened.load('PN:k'))?.snapshot).toEqual({ value: 'kept' });
    await reopened.save({ ...emptyRecord('PN', 'k'), snapshot: { value: 'next' } });
    // The folder is cleaned up in the background once a save touches it; a checkpoint (here the one
    // at close) waits for that before it writes the folder's files.
    await reopened.close();
    expect((await contactFiles()).map((f) => f.split('/').pop())).toEqual([file!.split('/').pop()]);
  });

  it('a damaged index (not just a torn last line) is copied aside, reported and rebuilt from the records', async () => {
    const store = await lowdbStore({ dir });
    await store.save({ ...emptyRecord('PN', 'a'), timers: [{ id: 't', event: { type: 'x' }, fireAt: 700 }] });
    await store.save({ ...emptyRecord('PN', 'b'), timers: [{ id: 't', event: { type: 'x' }, fireAt: 800 }] });
    await store.close();
    const file = join(dir, 'timers.jsonl');
    await writeFile(file, `#garbage#\n${await readFile(file, 'utf8')}`);
    const reports: string[] = [];
    const reopened = await lowdbStore({ dir, onCorrupt: (f, moved) => reports.push(`${f} -> ${moved}`) });
    expect(await reopened.pendingTimers()).toEqual(new Map([['PN:a', 700], ['PN:b', 800]]));
    expect(reports).toHaveLength(1);
    expect((await readdir(dir)).some((n) => n.startsWith('timers.jsonl.corrupt-'))).toBe(true);
    await reopened.close();
  });

  it('indexes are written ahead of the record: a save that dies mid-way never leaves a timer or an unsent reply unindexed', async () => {
    const key = 'PN:wa';
    const shard = join(dir, 'contacts', createHash('sha1').update(key).digest('hex').slice(0, 2));
    // Without the journal (with it, the save is durable in the journal before any file is written).
    const store = await lowdbStore({ dir, writeAhead: false });
    await mkdir(join(shard, `${Buffer.from(key).toString('base64url')}.json`), { recursive: true }); // the rename into place will fail
    const record = { ...emptyRecord('PN', 'wa'), timers: [{ id: 't', event: { type: 'x' }, fireAt: 900 }], outbox: [{ id: 'e0', message: { type: 'text' as const, text: { body: 'hi' } }, decidedAt: 1 }] };
    await expect(store.save(record)).rejects.toThrow();
    await store.close();
    const reopened = await lowdbStore({ dir });
    expect(await reopened.pendingTimers()).toEqual(new Map([[key, 900]]));
    expect(await reopened.pendingOutbox?.()).toEqual([key]);
    await reopened.close();
  });
});
