import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../store/private-files.ts';
import { appendSync, syncFile } from './sync-append.ts';
import { join } from 'node:path';
import { encodeRecord } from './journal-record.ts';
import { readSegments, segmentName, type JournalProblemReport, type PendingBatch } from './inbox-segments.ts';

export type { JournalProblemReport, PendingBatch } from './inbox-segments.ts';
import { TimingListeners } from '../store/store-observer.ts';

/** Options of the inbox journal (`createBot({ journal })` takes the tuning ones). */
export interface InboxJournalOptions {
  /** Folder of the journal segments (created if missing), e.g. `<dataDir>/inbox`. */
  dir: string;
  /** fsync every commit (default true). Off only for measurements. */
  fsync?: boolean;
  /** One write + fsync for everything that arrived while the previous commit ran (default true). */
  groupCommit?: boolean;
  /** Extra milliseconds to wait for more batches before a commit starts (default 0: the next turn of the event loop). */
  commitDelayMs?: number;
  /** A segment is closed and a new one started past this size (default 4 MiB); processed segments are deleted. */
  segmentBytes?: number;
  /** Reports a segment that ends in a torn record (skipped) or holds corrupt data (quarantined). */
  onProblem?: (report: JournalProblemReport) => void;
}

interface Segment {
  file: string;
  /** Batches in this segment not yet processed. */
  open: Set<number>;
  /** No longer appended to: deleted as soon as `open` is empty. */
  sealed: boolean;
}

interface Queued {
  frame: Buffer;
  seq: number;
  /** Undefined for done markers: nobody waits for them and they need no fsync. */
  durable?: { resolve: (seq: number) => void; reject: (error: unknown) => void };
}

/** Deleting a file that is already gone is fine (e.g. the data folder was removed). */
function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

/**
 * The inbox journal: every accepted webhook batch is appended here and fsync'd before the webhook
 * answers 200, so an acknowledged message survives kill -9 and power loss. Appends that arrive while
 * a commit is running go out together in the next one (group commit): one write and one fsync for
 * many batches. When a batch has been processed, a done marker is appended (no fsync needed: a lost
 * marker only means the batch is replayed and de-duplicated by message id). Segments whose batches
 * are all processed are deleted, so the journal stays as small as the backlog.
 */
export class InboxJournal {
  private readonly segments = new Map<number, Segment>();
  private readonly segmentOf = new Map<number, number>();
  private queue: Queued[] = [];
  private committing: Promise<void> | undefined;
  private scheduled = false;
  /** A failed commit may have left part of a record at the end of the active segment. */
  private tornTail = false;
  private active!: { n: number; fd: number; bytes: number };
  private nextSeq = 1;
  private closed = false;
  /** Commits (write + fsync) and batches appended, for measurements. */
  readonly stats = { commits: 0, fsyncs: 0, batches: 0 };
  /** How long each commit's fsync takes, in seconds (metrics: src/store/store-observer.ts). */
  readonly fsyncTimings = new TimingListeners();

  private constructor(private readonly options: InboxJournalOptions) {}

  /**
   * Opens the journal and returns every batch recorded but not marked done, in order. Whatever is
   * pending is first copied into a fresh segment (fsync'd), then the old segments are removed, so a
   * segment ending in a torn record is never appended to and a corrupt one is kept aside.
   */
  static async open(options: InboxJournalOptions): Promise<{ journal: InboxJournal; pending: PendingBatch[] }> {
    const journal = new InboxJournal(options);
    const pending = await journal.recover();
    return { journal, pending };
  }

  private get dir(): string {
    return this.options.dir;
  }

  private async recover(): Promise<PendingBatch[]> {
    await mkdirPrivate(this.dir);
    const { names, corrupt, lastSegment, nextSeq, pending } = await readSegments(this.dir, this.options.onProblem);
    this.nextSeq = Math.max(this.nextSeq, nextSeq);

    await this.startSegment(lastSegment + 1);
    if (pending.length > 0) {
      const bytes = Buffer.concat(pending.map((p) => encodeRecord('batch', p.seq, p.body)));
      appendSync(this.active.fd, bytes);
      if (this.options.fsync !== false) await syncFile(this.active.fd, false);
      for (const { seq } of pending) this.track(seq);
      this.active.bytes += bytes.length;
    }
    // Only now that the pending batches are safe in the new segment may the old ones go.
    for (const name of names) {
      const file = join(this.dir, name);
      const movedTo = corrupt.get(file);
      if (movedTo) await rename(file, movedTo);
      else await unlink(file);
    }
    await this.syncDir();
    return pending;
  }

  /** Appends a batch; resolves with its sequence number once it is on disk (fsync'd). */
  append(body: Buffer): Promise<number> {
    if (this.closed) return Promise.reject(new Error('inbox journal is closed'));
    const seq = this.nextSeq++;
    this.stats.batches++;
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ frame: encodeRecord('batch', seq, body), seq, durable: { resolve, reject } });
      this.schedule();
    });
  }

  /** Records that a batch has been processed; deletes its segment once every batch in it is. */
  markDone(seq: number): void {
    const n = this.segmentOf.get(seq);
    if (n === undefined) return;
    this.segmentOf.delete(seq);
    const segment = this.segments.get(n);
    segment?.open.delete(seq);
    if (segment?.sealed && segment.open.size === 0) {
      this.segments.delete(n);
      // The file going away is the done marker for everything in it.
      // If it cannot be deleted, the next start replays it and message ids de-duplicate it.
      void unlink(segment.file).catch(() => {});
      return;
    }
    if (this.closed) return;
    this.queue.push({ frame: encodeRecord('done', seq), seq });
    this.schedule();
  }

  /** Batches recorded and not yet processed. */
  get backlog(): number {
    return this.segmentOf.size;
  }

  /** Whether a commit is running or queued (appends now wait for the one after it). */
  get busy(): boolean {
    return this.committing !== undefined || this.scheduled;
  }

  /** Writes what is queued and closes the active segment; it is deleted when nothing in it is pending. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.committing || this.queue.length > 0) await (this.committing ?? this.commit());
    closeSync(this.active.fd);
    const segment = this.segments.get(this.active.n);
    if (segment && segment.open.size === 0) await unlink(segment.file).catch(ignoreMissing);
  }

  private schedule(): void {
    if (this.scheduled || this.committing) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      // commit() settles every group itself (failures reject the group's appends), so this never rejects.
      if (!this.committing) void this.commit();
    };
    const delay = this.options.commitDelayMs ?? 0;
    if (delay > 0) setTimeout(run, delay);
    else setImmediate(run);
  }

  /**
   * One write (and one fsync when a batch is in it) for everything queued; repeats while more arrives.
   * A failed write or fsync rejects its group and cuts the segment back to its last whole record, so
   * a refused batch can neither become durable later nor leave a torn record that the next append
   * would follow (a recovery stops at the first bad record: everything after it would be lost).
   */
  private commit(): Promise<void> {
    const work = (async () => {
      while (this.queue.length > 0) {
        const take = this.options.groupCommit === false ? 1 : this.queue.length;
        const group = this.queue.splice(0, take);
        const waiting = group.filter((q) => q.durable);
        try {
          await this.repairTail();
          const bytes = Buffer.concat(group.map((q) => q.frame));
          try {
            appendSync(this.active.fd, bytes);
            if (waiting.length > 0 && this.options.fsync !== false) {
              const syncing = performance.now();
              await syncFile(this.active.fd, false);
              this.stats.fsyncs++;
              this.fsyncTimings.emit((performance.now() - syncing) / 1000);
            }
          } catch (error) {
            this.tornTail = true;
            await this.repairTail().catch(() => {}); // tried again before the next append
            throw error;
          }
          this.active.bytes += bytes.length;
          this.stats.commits++;
          for (const q of waiting) this.track(q.seq);
          for (const q of waiting) q.durable?.resolve(q.seq);
        } catch (error) {
          for (const q of waiting) q.durable?.reject(error);
          continue;
        }
        if (this.active.bytes >= (this.options.segmentBytes ?? 4 * 1024 * 1024) && !this.closed) {
          // A segment that cannot be rolled (disk full) is simply appended to a while longer.
          await this.roll().catch(() => {});
        }
      }
    })();
    this.committing = work.finally(() => {
      this.committing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.committing;
  }

  /** After a failed commit: cut the segment back to its last whole record, or else start a new segment. */
  private async repairTail(): Promise<void> {
    if (!this.tornTail) return;
    try {
      ftruncateSync(this.active.fd, this.active.bytes);
    } catch {
      await this.roll(); // throws while no new segment can be started either: the commit is refused
    }
    this.tornTail = false;
  }

  private track(seq: number): void {
    this.segmentOf.set(seq, this.active.n);
    this.segments.get(this.active.n)?.open.add(seq);
  }

  private async startSegment(n: number): Promise<void> {
    const file = join(this.dir, segmentName(n));
    this.active = { n, fd: openSync(file, 'a', PRIVATE_FILE_MODE), bytes: 0 };
    this.segments.set(n, { file, open: new Set(), sealed: false });
  }

  /** Seals the active segment (deleting it at once if everything in it is processed) and starts the next. */
  private async roll(): Promise<void> {
    const previous = this.active;
    await this.startSegment(previous.n + 1); // throws (and changes nothing) when no file can be created
    closeSync(previous.fd);
    const segment = this.segments.get(previous.n);
    if (segment) {
      segment.sealed = true;
      if (segment.open.size === 0) {
        this.segments.delete(previous.n);
        await unlink(segment.file).catch(ignoreMissing);
      }
    }
    await this.syncDir();
  }

  /** Makes file creations, renames and deletions in the folder durable too. */
  private async syncDir(): Promise<void> {
    if (this.options.fsync === false) return;
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
