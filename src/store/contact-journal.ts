import { unlink } from 'node:fs/promises';
import { GroupCommitLog } from './group-commit-log.ts';
import { readSegments, segmentPath } from './journal-segments.ts';
import { TimingListeners } from './store-observer.ts';
import { inlineCheckpointWriter, type CheckpointWriter, type FileWrite } from './checkpoint-writer.ts';
import { isPerRecordError } from './write-errors.ts';
import { makeDurable } from './make-durable.ts';

/**
 * Checkpoints of at most this many files are written and made durable on the main thread (about
 * 40 µs a file): a small store, or a test, never starts the writer thread.
 */
const INLINE_CHECKPOINT_FILES = 64;
/** Files per batch handed to the writer; each batch's records leave memory once it is written. */
const CHECKPOINT_BATCH = 256;
/**
 * Records held in memory because their files are not rewritten yet, as a multiple of `maxPending`,
 * before saves wait. When contacts change faster than files can be written, saves slow down to the
 * write rate (one file at a time frees one place) instead of memory growing without bound.
 */
const UNWRITTEN_LIMIT_FACTOR = 2;

export interface ContactJournalOptions {
  dir: string;
  /** Segment size that triggers a checkpoint. */
  maxBytes: number;
  /** Contacts changed since the last checkpoint that trigger one (their latest JSON is held in memory). */
  maxPending: number;
  /**
   * Rewrites the contact files of larger checkpoints (without fsync; may be in place, since the
   * journal covers a torn write). Closed with the journal.
   */
  writer: CheckpointWriter;
  onError: (error: unknown) => void;
  /** A checkpoint succeeded (after failures: the disk takes writes again). */
  onRecovered?: () => void;
  /**
   * A record whose file cannot be written at all (an error of that file, not of the disk) is handed
   * here to be kept aside and reported; the checkpoint goes on without it.
   */
  quarantine: (key: string, json: string, error: unknown) => Promise<void>;
  /** Runs before a checkpoint writes its files (the store makes sure their folders exist). */
  beforeWrite?: () => Promise<void>;
  /** Runs after a checkpoint's files are written and before they are made durable (and the segment deleted). */
  beforeDurable?: () => void;
  /** First wait before a failed checkpoint is tried again (default 1 s, doubling up to 60 s). */
  retryMs?: number;
}

interface Change extends FileWrite {
  /** The version this one replaced in the same segment, until this one is committed. */
  previous?: Change;
}

/** Changes of a checkpoint that failed, with the segments that still hold them. */
interface Carried {
  changes: Map<string, Change>;
  segments: string[];
}

/**
 * Write-ahead journal for contact records with group commit and write-behind. A save appends
 * `<key as JSON>\t<record JSON>` to the current segment and is acknowledged once that segment's
 * group commit (one fdatasync for every save made meanwhile) is on disk; the contact's own file is
 * rewritten later, at a checkpoint, so a contact that changes twice per message (state, then the
 * ids of its replies) costs one file write per checkpoint instead of two fsync'd writes per message.
 * A checkpoint starts a new segment, rewrites the files the old one covers, makes them durable and
 * deletes it. Until then `latest` serves those contacts from memory. After a crash or power loss,
 * `open` returns the last journaled version of each contact the lost files may concern.
 *
 * A save whose commit fails is undone in memory (never served, never written by a checkpoint). A
 * checkpoint that fails (disk full) keeps its segment and its changes in memory and is tried again
 * with backoff; one record whose file cannot be written is quarantined, not allowed to hold up the
 * others.
 */
export class ContactJournal {
  private log: GroupCommitLog;
  private segment: number;
  private pending = new Map<string, Change>();
  /** Changes of segments being checkpointed (or whose checkpoint failed), oldest first. */
  private readonly checkpointing: Array<Map<string, Change>> = [];
  /** Failed checkpoints, oldest first: the next checkpoint writes them first. */
  private failed: Carried[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  private closed = false;
  /** Records of checkpoints whose files are not rewritten yet, and saves waiting for that to shrink. */
  private unwritten = 0;
  private roomWaiters: Array<() => void> = [];
  /** Resolves when every checkpoint so far has rewritten its files. */
  private written: Promise<void> = Promise.resolve();
  /** Resolves when every checkpoint so far has made its files durable and deleted its segment. */
  private durable: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: ContactJournalOptions,
    segment: number,
  ) {
    this.segment = segment;
    this.log = this.openLog(segment);
    this.retryDelay = options.retryMs ?? 1000;
  }

  /**
   * Opens the journal in `dir`. Segments an earlier run left are read (a torn last line was never
   * acknowledged and is skipped); the last record of each key in them is returned for the store to
   * rewrite, then `finishRecovery` makes those files durable and deletes the old segments.
   */
  static async open(
    options: ContactJournalOptions,
  ): Promise<{ journal: ContactJournal; recovered: Map<string, string>; finishRecovery: (files: string[]) => Promise<void> }> {
    const { segments, recovered } = await readSegments(options.dir);
    const journal = new ContactJournal(options, (segments[segments.length - 1] ?? 0) + 1);
    const finishRecovery = async (files: string[]) => {
      if (segments.length === 0) return;
      await makeDurable(files, options.dir);
      for (const segment of segments) await unlink(segmentPath(options.dir, segment));
    };
    return { journal, recovered, finishRecovery };
  }

  /** How long each group commit's fsync takes (store-observer.ts). */
  readonly fsyncTimings = new TimingListeners();

  private openLog(segment: number): GroupCommitLog {
    return new GroupCommitLog(this.path(segment), (seconds) => this.fsyncTimings.emit(seconds));
  }

  private path(segment: number): string {
    return segmentPath(this.options.dir, segment);
  }

  /** Journals a contact's new record; resolves when it is durable. Its file is rewritten at the next checkpoint. */
  async record(key: string, json: string, file: string): Promise<void> {
    while (this.unwritten >= this.options.maxPending * UNWRITTEN_LIMIT_FACTOR) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    const changes = this.pending;
    const previous = changes.get(key);
    const change: Change = previous ? { file, json, previous } : { file, json };
    changes.set(key, change);
    const committed = this.log.append(`${JSON.stringify(key)}\t${json}\n`);
    committed.then(
      () => delete change.previous,
      () => {
        // Refused: this version must be neither served nor written by a checkpoint. (The segment's
        // checkpoint writes only after every commit of the segment has settled.)
        if (changes.get(key) !== change) return;
        if (change.previous) changes.set(key, change.previous);
        else changes.delete(key);
      },
    );
    if (this.pending.size >= this.options.maxPending || this.log.bytes > this.options.maxBytes) void this.checkpoint();
    return committed;
  }

  /** The newest journaled record of `key` whose file is not rewritten yet. */
  latest(key: string): string | undefined {
    const change = this.pending.get(key);
    if (change) return change.json;
    for (let i = this.checkpointing.length - 1; i >= 0; i--) {
      const json = this.checkpointing[i]?.get(key)?.json;
      if (json !== undefined) return json;
    }
    return undefined;
  }

  /** Contacts that may have no file yet. */
  keys(): Set<string> {
    return new Set([...this.checkpointing.flatMap((changes) => [...changes.keys()]), ...this.pending.keys()]);
  }

  /**
   * Starts a new segment. The old one's files are rewritten in the background, in checkpoint order
   * (a contact's newer version is never overwritten by an older one), once every commit of the old
   * segment has settled; each leaves memory once its file is written. The segment is deleted after
   * one syncfs has made them all durable, which may take long on a busy disk but holds up nothing
   * but that deletion.
   */
  private checkpoint(): Promise<void> {
    const old = this.log;
    const changes = this.pending;
    this.log = this.openLog(++this.segment);
    this.pending = new Map();
    this.checkpointing.push(changes);
    this.unwritten += changes.size;
    const carried = this.failed;
    this.failed = [];
    let writer = this.options.writer;
    const written = this.written.then(async () => {
      await old.close();
      const files = [...carried.flatMap((c) => [...c.changes.values()]), ...changes.values()];
      if (files.length <= INLINE_CHECKPOINT_FILES) writer = inlineCheckpointWriter;
      await this.options.beforeWrite?.();
      for (const earlier of carried) await this.writeChanges(earlier.changes, writer, false);
      await this.writeChanges(changes, writer, true);
    });
    const segments = [...carried.flatMap((c) => c.segments), old.file];
    const retired = [...carried.map((c) => c.changes), changes];
    this.written = written.then(
      () => {
        for (const map of retired) {
          const at = this.checkpointing.indexOf(map);
          if (at >= 0) this.checkpointing.splice(at, 1);
        }
      },
      (error: unknown) => {
        // Nothing is lost: the changes stay in memory (served by `latest`) and their segments on
        // disk; the next checkpoint writes them first. They no longer hold up saves.
        this.unwritten -= changes.size;
        for (const wake of this.roomWaiters.splice(0)) wake();
        this.failed = [...carried, { changes, segments: [old.file] }, ...this.failed];
        this.options.onError(error);
        this.scheduleRetry();
      },
    );
    this.durable = this.durable
      .then(async () => {
        await written;
        this.retryDelay = this.options.retryMs ?? 1000;
        if (carried.length > 0) this.options.onRecovered?.();
        this.options.beforeDurable?.();
        const files = [...carried.flatMap((c) => [...c.changes.values()]), ...changes.values()].map((change) => change.file);
        await writer.makeDurable(files, this.options.dir);
        for (const file of segments) {
          await unlink(file).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error; // nothing was ever journaled in that segment
          });
        }
      })
      .catch((error: unknown) => {
        if (this.failed.length === 0) this.options.onError(error);
      });
    return this.durable;
  }

  /**
   * Writes the files of one checkpoint's changes in batches; each change leaves memory once written.
   * A batch that fails on one file's own error (its name, its folder) is written again file by file,
   * and the files that still fail are quarantined; an error of the disk fails the checkpoint.
   */
  private async writeChanges(changes: Map<string, Change>, writer: CheckpointWriter, counted: boolean): Promise<void> {
    const entries = [...changes];
    for (let start = 0; start < entries.length; start += CHECKPOINT_BATCH) {
      const batch = entries.slice(start, start + CHECKPOINT_BATCH);
      try {
        await writer.write(batch.map(([, change]) => change));
      } catch (error) {
        if (!isPerRecordError(error)) throw error;
        for (const [key, change] of batch) {
          try {
            await inlineCheckpointWriter.write([change]);
          } catch (fileError) {
            if (!isPerRecordError(fileError)) throw fileError;
            await this.options.quarantine(key, change.json, fileError);
          }
        }
      }
      for (const [key] of batch) {
        changes.delete(key);
        if (!counted) continue;
        this.unwritten--;
        this.roomWaiters.shift()?.();
      }
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(60_000, delay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed && this.failed.length > 0) void this.checkpoint();
    }, delay);
    this.retryTimer.unref();
  }

  /** Checkpoints everything: after this the contact files hold every change and no journal is left. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.checkpoint();
    await this.log.close();
    await unlink(this.log.file).catch(() => {});
    await this.options.writer.close();
  }
}
