import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecords, type DecodeProblem } from './journal-record.ts';

/** A segment found damaged when the journal was opened: a torn last record (skipped) or corrupt data (quarantined). */
export interface JournalProblemReport extends DecodeProblem {
  file: string;
  /** Where a corrupt segment was moved (never deleted). */
  quarantinedAs?: string;
  /** Whole records read before the problem; they are kept. */
  recordsKept: number;
}

/** A batch recorded but not yet processed. */
export interface PendingBatch {
  seq: number;
  body: Buffer;
}

/** What the segments an earlier run left say: the batches still to process, and what to clean up. */
export interface SegmentsFound {
  /** Segment file names, oldest first (all of them are replaced by a new segment once read). */
  names: string[];
  /** Segments holding corrupt data → the name they are moved to (the one reported), never deleted. */
  corrupt: Map<string, string>;
  /** The highest segment number found (0: none). */
  lastSegment: number;
  /** The next sequence number to give a batch. */
  nextSeq: number;
  /** Batches recorded without a done marker, in sequence order. */
  pending: PendingBatch[];
}

const SEGMENT = /^seg-(\d+)\.journal$/;

/** The file name of segment `n` (zero-padded, so names sort in segment order). */
export const segmentName = (n: number) => `seg-${String(n).padStart(10, '0')}.journal`;

/**
 * Reads every segment in `dir`: the batches without a done marker are pending. A torn last record
 * is skipped and a corrupt segment reported (with the name it will be moved to); the whole records
 * read before either are kept.
 */
export async function readSegments(dir: string, onProblem?: (report: JournalProblemReport) => void): Promise<SegmentsFound> {
  const names = (await readdir(dir)).filter((name) => SEGMENT.test(name)).sort();
  const batches = new Map<number, Buffer>();
  const done = new Set<number>();
  const corrupt = new Map<string, string>();
  let lastSegment = 0;
  let nextSeq = 1;
  for (const name of names) {
    lastSegment = Math.max(lastSegment, Number(SEGMENT.exec(name)?.[1]));
    const file = join(dir, name);
    const { records, problem } = decodeRecords(await readFile(file));
    for (const record of records) {
      nextSeq = Math.max(nextSeq, record.seq + 1);
      if (record.kind === 'batch') batches.set(record.seq, record.payload);
      else done.add(record.seq);
    }
    if (problem) {
      const quarantinedAs = problem.kind === 'corrupt' ? `${file}.corrupt-${Date.now()}` : undefined;
      if (quarantinedAs) corrupt.set(file, quarantinedAs);
      onProblem?.({ ...problem, file, recordsKept: records.length, ...(quarantinedAs ? { quarantinedAs } : {}) });
    }
  }
  const pending = [...batches].filter(([seq]) => !done.has(seq)).sort(([a], [b]) => a - b).map(([seq, body]) => ({ seq, body }));
  return { names, corrupt, lastSegment, nextSeq, pending };
}
