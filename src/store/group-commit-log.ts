import { closeSync, constants, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { appendSync, syncFile } from '../durability/sync-append.ts';
import { PRIVATE_FILE_MODE } from './private-files.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file where every line appended while a commit is running joins the next commit:
 * one write and one fdatasync for the whole group. A line's promise resolves once its group is on
 * disk. fsync costs about 5 ms here whatever the size, and the disk serialises them (about 1,000 a
 * second at best), so one fsync per save caps a bot at a few hundred messages per second; one per
 * group does not.
 *
 * A commit that fails (disk full, read-only, I/O error) rejects its group and cuts the file back to
 * the end of the last good commit, so no part of a refused line can become durable later or glue
 * itself to the next line (which would make a recovery skip an acknowledged one). While the cut
 * itself fails, every commit is refused.
 */
export class GroupCommitLog {
  private fd: number | undefined;
  private queued: string[] = [];
  private waiters: Waiter[] = [];
  private committing: Promise<void> | undefined;
  /** End of the last good commit: what the file is cut back to after a failure. */
  private goodSize = 0;
  /** A failed commit whose bytes could not be cut off yet. */
  private tornTail = false;
  /** Bytes committed so far. */
  bytes = 0;
  /** Group commits (each one write and one fdatasync) so far. */
  commits = 0;

  /**
   * @param onFsync told how long each commit's fdatasync took, in seconds (metrics: the journal's
   *   fsync latency; see store-observer.ts)
   */
  constructor(
    readonly file: string,
    private readonly onFsync?: (seconds: number) => void,
  ) {}

  /** Appends `line` (ending in a newline); resolves when it is durable. */
  append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push(line);
      this.waiters.push({ resolve, reject });
      // Assigned before commitAll can possibly finish (it starts with an await), so a commit that
      // fails at once cannot leave `committing` set for ever.
      if (!this.committing) this.committing = this.commitAll();
    });
  }

  private async commitAll(): Promise<void> {
    await undefined;
    while (this.queued.length > 0) {
      const text = this.queued.join('');
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        this.cutTornTail();
        // Opened on first use, so a new log can take appends at once.
        if (this.fd === undefined) {
          this.fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, PRIVATE_FILE_MODE);
          this.goodSize = fstatSync(this.fd).size;
        }
        const bytes = Buffer.from(text);
        try {
          appendSync(this.fd, bytes);
          const syncing = performance.now();
          await syncFile(this.fd, true);
          this.onFsync?.((performance.now() - syncing) / 1000);
        } catch (error) {
          this.tornTail = true;
          this.cutTornTail();
          throw error;
        }
        this.goodSize += bytes.length;
        this.bytes += bytes.length;
        this.commits++;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.committing = undefined;
  }

  /** Cuts the file back to its last good commit after a failure; throws while that is impossible. */
  private cutTornTail(): void {
    if (!this.tornTail || this.fd === undefined) return;
    try {
      ftruncateSync(this.fd, this.goodSize);
      this.tornTail = false;
    } catch (error) {
      throw new Error(`journal ${this.file} cannot be cut back after a failed write: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Waits for every appended line to be committed, then closes the file. */
  async close(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
