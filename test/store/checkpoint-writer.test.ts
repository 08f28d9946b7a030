import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { threadedCheckpointWriter, type CheckpointWriter } from '../../src/store/checkpoint-writer.ts';
import { emptyRecord } from '../../src/store/contact-record.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let dir: string;
let writer: CheckpointWriter | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-checkpoint-'));
});
afterEach(async () => {
  await writer?.close();
  writer = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('threaded checkpoint writer', () => {
  it('writes every file of a batch in place on its thread, cut to the new length', async () => {
    writer = threadedCheckpointWriter();
    const files = Array.from({ length: 300 }, (_, i) => ({ file: join(dir, `c${i}.json`), json: JSON.stringify({ i, pad: 'x'.repeat(100) }) }));
    await writer.write(files);
    const inode = (await stat(files[7]!.file)).ino;
    await writer.write([{ file: files[7]!.file, json: '{"i":7}' }]);
    expect(await readFile(files[7]!.file, 'utf8')).toBe('{"i":7}');
    expect((await stat(files[7]!.file)).ino).toBe(inode);
    expect(JSON.parse(await readFile(files[299]!.file, 'utf8'))).toEqual({ i: 299, pad: 'x'.repeat(100) });
  });

  it('a failed write rejects with the file system error; the files before it are written', async () => {
    writer = threadedCheckpointWriter();
    const batch = [
      { file: join(dir, 'ok.json'), json: '{}' },
      { file: join(dir, 'missing-folder', 'x.json'), json: '{}' },
    ];
    await expect(writer.write(batch)).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('checkpoint write failed') });
    expect(await readFile(join(dir, 'ok.json'), 'utf8')).toBe('{}');
    await writer.write([{ file: join(dir, 'after.json'), json: '[]' }]); // the thread goes on
    expect(await readFile(join(dir, 'after.json'), 'utf8')).toBe('[]');
  });

  it('a thread that dies fails the batch it held, and the next batch starts a new thread', async () => {
    writer = threadedCheckpointWriter();
    // A batch too large for the thread's heap limit (64 MB): the thread runs out of memory and dies.
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const tooMuch = Array.from({ length: 12 }, (_, i) => ({ file: join(dir, `huge${i}.json`), json: huge }));
    await expect(writer.write(tooMuch)).rejects.toThrow(/checkpoint writer thread/);
    await writer.write([{ file: join(dir, 'after.json'), json: '{"ok":true}' }]);
    expect(await readFile(join(dir, 'after.json'), 'utf8')).toBe('{"ok":true}');
  });

  it('makes written files durable on its thread, and falls back to the main thread when `sync` cannot run there', async () => {
    writer = threadedCheckpointWriter();
    const file = join(dir, 'durable.json');
    await writer.write([{ file, json: '{"n":1}' }]);
    await expect(writer.makeDurable([file], dir)).resolves.toBeUndefined();
    await writer.close();

    // A thread started without `sync` on its PATH: its syncfs fails, and the fallback on the main thread succeeds.
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-binaries-here');
    try {
      writer = threadedCheckpointWriter();
      await writer.write([{ file, json: '{"n":2}' }]); // starts the thread with the PATH above
    } finally {
      process.env.PATH = path;
    }
    await expect(writer.makeDurable([file], dir)).resolves.toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('{"n":2}');
  });

  it('refuses writes once closed', async () => {
    writer = threadedCheckpointWriter();
    await writer.write([{ file: join(dir, 'a.json'), json: '{}' }]);
    await writer.close();
    await expect(writer.write([{ file: join(dir, 'b.json'), json: '{}' }])).rejects.toThrow(/closed/);
  });
});

describe('lowdb store: a large checkpoint goes through the writer thread', () => {
  const contactFiles = async () => {
    let count = 0;
    for (const shard of await readdir(join(dir, 'contacts'))) count += (await readdir(join(dir, 'contacts', shard))).length;
    return count;
  };

  it('rewrites hundreds of contact files while the store runs, and a reopened store reads them back', async () => {
    const store = await lowdbStore({ dir, writeAhead: true, journalMaxPending: 200 });
    for (let i = 0; i < 250; i++) await store.save({ ...emptyRecord('PN', `w${i}`), updatedAt: i });
    // The first checkpoint (200 contacts, above the inline limit) is written behind, on the thread.
    await waitUntil(async () => (await contactFiles()) >= 200, '200 contact files written by the first checkpoint', 10_000);
    await store.close();
    expect(await contactFiles()).toBe(250);
    // The files, not the journal, hold the records now.
    expect((await readdir(dir)).filter((name) => name.startsWith('journal-'))).toEqual([]);
    const reopened = await lowdbStore({ dir, writeAhead: true });
    for (const i of [0, 123, 199, 249]) expect((await reopened.load(`PN:w${i}`))?.updatedAt).toBe(i);
    await reopened.close();
  });
});
