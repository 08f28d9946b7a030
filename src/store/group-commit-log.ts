import { closeSync, openSync } from 'node:fs';
import { appendSync, syncFile } from '../durability/sync-append.ts';

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
 */
export class GroupCommitLog {
  private fd: number | undefined;
  private queued: string[] = [];
  private waiters: Waiter[] = [];
  private committing: Promise<void> | undefined;
  /** Bytes committed so far. */
  bytes = 0;
  /** Group commits (each one write and one fdatasync) so far. */
  commits = 0;

  constructor(readonly file: string) {}

  /** Appends `line` (ending in a newline); resolves when it is durable. */
  append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push(line);
      this.waiters.push({ resolve, reject });
      this.committing ??= this.commitAll();
    });
  }

  private async commitAll(): Promise<void> {
    while (this.queued.length > 0) {
      const text = this.queued.join('');
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        // Opened on first use, so a new log can take appends at once.
        this.fd ??= openSync(this.file, 'a');
        const bytes = Buffer.from(text);
        appendSync(this.fd, bytes);
        await syncFile(this.fd, true);
        this.bytes += bytes.length;
        this.commits++;
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.committing = undefined;
  }

  /** Waits for every appended line to be committed, then closes the file. */
  async close(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
