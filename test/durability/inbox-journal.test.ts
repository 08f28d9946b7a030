import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InboxJournal, type JournalProblemReport } from '../../src/durability/inbox-journal.ts';
import { decodeRecords, encodeRecord } from '../../src/durability/journal-record.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartbot-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const body = (i: number) => Buffer.from(JSON.stringify({ batch: i, text: 'line\nbreak' }));
const segments = async () => (await readdir(dir)).filter((n) => n.endsWith('.journal')).sort();
const texts = (pending: Array<{ body: Buffer }>) => pending.map((p) => (JSON.parse(p.body.toString()) as { batch: number }).batch);

describe('inbox journal', () => {
  it('returns every batch appended and not marked done, in order, after a reopen without close (a crash)', async () => {
    const { journal } = await InboxJournal.open({ dir });
    const seqs = await Promise.all([0, 1, 2, 3, 4].map((i) => journal.append(body(i))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    journal.markDone(seqs[1]!);
    journal.markDone(seqs[3]!);
    await journal.append(body(5)); // done markers are written with the next commit
    // No close: the process "dies" here.
    const { journal: reopened, pending } = await InboxJournal.open({ dir });
    expect(texts(pending)).toEqual([0, 2, 4, 5]);
    expect(reopened.backlog).toBe(4);
    const next = await reopened.append(body(6));
    expect(next).toBeGreaterThan(Math.max(...pending.map((p) => p.seq)));
    await reopened.close();
    await journal.close(); // releases the "crashed" instance's file handle
  });

  it('group commit: concurrent appends share one write and one fsync', async () => {
    const { journal } = await InboxJournal.open({ dir });
    await Promise.all(Array.from({ length: 50 }, (_, i) => journal.append(body(i))));
    expect(journal.stats.batches).toBe(50);
    expect(journal.stats.fsyncs).toBeLessThanOrEqual(2);
    await journal.close();

    const { journal: oneByOne } = await InboxJournal.open({ dir: join(dir, 'b'), groupCommit: false });
    await Promise.all(Array.from({ length: 50 }, (_, i) => oneByOne.append(body(i))));
    expect(oneByOne.stats.fsyncs).toBe(50);
    await oneByOne.close();
  });

  it('deletes segments once every batch in them is processed, so the journal stays as small as the backlog', async () => {
    const { journal } = await InboxJournal.open({ dir, segmentBytes: 300 });
    for (let round = 0; round < 5; round++) {
      const seqs = await Promise.all([0, 1, 2, 3].map((i) => journal.append(body(round * 10 + i))));
      for (const seq of seqs) journal.markDone(seq);
    }
    await journal.append(body(99));
    expect((await segments()).length).toBeLessThanOrEqual(2);
    expect(journal.backlog).toBe(1);
    await journal.close();
    const { journal: reopened, pending } = await InboxJournal.open({ dir });
    expect(texts(pending)).toEqual([99]);
    expect(await segments()).toHaveLength(1); // pending carried into one fresh segment
    reopened.markDone(pending[0]!.seq);
    await reopened.close();
    expect(await segments()).toEqual([]);
  });

  it('a torn record at the end (kill -9 mid-append) is skipped with a report; the whole records before it are kept', async () => {
    const { journal } = await InboxJournal.open({ dir });
    await journal.append(body(1));
    await journal.append(body(2));
    const [segment] = await segments();
    await appendFile(join(dir, segment!), encodeRecord('batch', 3, body(3)).subarray(0, 27));
    const reports: JournalProblemReport[] = [];
    const { journal: reopened, pending } = await InboxJournal.open({ dir, onProblem: (r) => reports.push(r) });
    expect(texts(pending)).toEqual([1, 2]);
    expect(reports).toMatchObject([{ kind: 'torn', recordsKept: 2 }]);
    expect((await readdir(dir)).some((n) => n.includes('corrupt'))).toBe(false);
    await reopened.close();
    await journal.close();
  });

  it('a corrupt segment is quarantined, never deleted, and the records before the damage are still processed', async () => {
    const { journal } = await InboxJournal.open({ dir });
    for (const i of [1, 2, 3]) await journal.append(body(i));
    const [segment] = await segments();
    const file = join(dir, segment!);
    const bytes = await readFile(file);
    const second = decodeRecords(bytes).records[0]!.payload.length + 20;
    bytes[second + 25] = bytes[second + 25]! ^ 0xff; // damage the second record's payload
    await writeFile(file, bytes);
    const reports: JournalProblemReport[] = [];
    const { journal: reopened, pending } = await InboxJournal.open({ dir, onProblem: (r) => reports.push(r) });
    expect(texts(pending)).toEqual([1]);
    expect(reports).toMatchObject([{ kind: 'corrupt', reason: 'checksum mismatch', recordsKept: 1 }]);
    const quarantined = (await readdir(dir)).filter((n) => n.includes('.corrupt-'));
    expect(quarantined).toHaveLength(1);
    expect(await readFile(join(dir, quarantined[0]!))).toEqual(bytes);
    await reopened.close();
    await journal.close();
  });

  it('refuses appends after close', async () => {
    const { journal } = await InboxJournal.open({ dir });
    await journal.close();
    await expect(journal.append(body(1))).rejects.toThrow('closed');
  });
});
