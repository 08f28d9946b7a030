import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../helpers/disk-faults.mjs';
import { GroupCommitLog } from '../../src/store/group-commit-log.ts';
import { InboxJournal } from '../../src/durability/inbox-journal.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { emptyRecord } from '../../src/store/contact-record.ts';

let dir: string;
let flag: string;
/** Writes to files whose path contains `pattern` fail with ENOSPC ('' = every file; `partial:` = a torn write first). */
const diskFull = (pattern = '') => writeFile(flag, pattern);
const diskBack = () => unlink(flag).catch(() => {});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-disk-'));
  flag = join(dir, 'disk-full');
  process.env.CHARTBOT_TEST_DISK_FAULTS = flag;
});
afterEach(async () => {
  delete process.env.CHARTBOT_TEST_DISK_FAULTS;
  await rm(dir, { recursive: true, force: true });
});

/** Rejects if `promise` takes longer than `ms` (a hang is the bug some of these tests catch). */
const within = <T>(promise: Promise<T>, ms = 2000): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms))]);

describe('group commit log (the contact journal) on a disk that refuses writes', () => {
  it('a commit that fails at once rejects its lines, and later commits still happen', async () => {
    const log = new GroupCommitLog(join(dir, 'journal-1.jsonl'));
    await diskFull();
    await expect(within(log.append('{"a":1}\n'))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(within(log.append('{"a":2}\n'))).rejects.toMatchObject({ code: 'ENOSPC' });
    await diskBack();
    await within(log.append('{"a":3}\n'));
    await log.close();
    expect(await readFile(join(dir, 'journal-1.jsonl'), 'utf8')).toBe('{"a":3}\n');
  });

  it('a torn append is cut off: the next line is whole, and the refused line never becomes durable', async () => {
    const file = join(dir, 'journal-1.jsonl');
    const log = new GroupCommitLog(file);
    await log.append('{"n":1}\n');
    await diskFull('partial:journal-');
    await expect(log.append(`{"n":2,"pad":"${'x'.repeat(200)}"}\n`)).rejects.toMatchObject({ code: 'ENOSPC' });
    await diskBack();
    await log.append('{"n":3}\n');
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([1, 3]);
  });
});

describe('lowdb store with its journal, on a disk that refuses writes', () => {
  it('a refused save is neither served afterwards nor written by a later checkpoint', async () => {
    const store = await lowdbStore({ dir, journalMaxPending: 1000 });
    await store.save({ ...emptyRecord('PN', 'w1'), updatedAt: 1 });
    await diskFull('journal-');
    await expect(store.save({ ...emptyRecord('PN', 'w1'), updatedAt: 2 })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect((await store.load('PN:w1'))?.updatedAt).toBe(1);
    await diskBack();
    await store.save({ ...emptyRecord('PN', 'w2'), updatedAt: 3 });
    await store.close(); // checkpoints everything it holds
    const reopened = await lowdbStore({ dir });
    expect((await reopened.load('PN:w1'))?.updatedAt).toBe(1);
    expect((await reopened.load('PN:w2'))?.updatedAt).toBe(3);
    await reopened.close();
  });

  it('a checkpoint that fails keeps its records and is tried again by itself once the disk takes writes', async () => {
    const errors: unknown[] = [];
    let recovered = 0;
    const store = await lowdbStore({ dir, journalMaxPending: 3, onJournalError: (e) => errors.push(e), onJournalRecovered: () => recovered++ });
    await diskFull('contacts');
    for (let i = 0; i < 3; i++) await store.save({ ...emptyRecord('PN', `c${i}`), updatedAt: i }); // the 3rd triggers a checkpoint
    await within(
      (async () => {
        while (errors.length === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
    );
    expect(errors[0]).toMatchObject({ code: 'ENOSPC' });
    expect((await store.load('PN:c1'))?.updatedAt).toBe(1); // still served from memory
    await diskBack();
    await within(
      (async () => {
        while (recovered === 0) await new Promise((r) => setTimeout(r, 20));
      })(),
      5000,
    );
    // The journal segments are gone: the files hold the records now.
    await within(
      (async () => {
        while ((await readdir(dir)).some((n) => /^journal-[12]\.jsonl$/.test(n))) await new Promise((r) => setTimeout(r, 20));
      })(),
    );
    await store.close();
    const reopened = await lowdbStore({ dir });
    for (let i = 0; i < 3; i++) expect((await reopened.load(`PN:c${i}`))?.updatedAt).toBe(i);
    await reopened.close();
  });
});

describe('inbox journal on a disk that refuses writes', () => {
  it('a torn append is cut off, so a batch acknowledged after it is recovered at the next start', async () => {
    const inbox = join(dir, 'inbox');
    const { journal } = await InboxJournal.open({ dir: inbox });
    await journal.append(Buffer.from('{"batch":1}'));
    await diskFull('partial:seg-');
    await expect(journal.append(Buffer.from(`{"batch":2,"pad":"${'x'.repeat(500)}"}`))).rejects.toMatchObject({ code: 'ENOSPC' });
    await diskBack();
    await journal.append(Buffer.from('{"batch":3}'));
    await journal.close();
    const { journal: again, pending } = await InboxJournal.open({ dir: inbox });
    expect(pending.map((p) => p.body.toString())).toEqual(['{"batch":1}', '{"batch":3}']);
    await again.close();
  });

  it('a segment roll that fails (no new file can be created) is no crash: appends go on in the current segment', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const inbox = join(dir, 'inbox');
      const { journal } = await InboxJournal.open({ dir: inbox, segmentBytes: 64 });
      await diskFull('seg-0000000002'); // the next segment cannot be created
      for (let i = 0; i < 5; i++) await journal.append(Buffer.from(`{"batch":${i},"pad":"${'y'.repeat(80)}"}`));
      await new Promise((r) => setTimeout(r, 50));
      await diskBack();
      await journal.close();
      expect(unhandled).toEqual([]);
      const { journal: again, pending } = await InboxJournal.open({ dir: inbox });
      expect(pending).toHaveLength(5);
      await again.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
