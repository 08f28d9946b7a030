import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdirPrivateSync, PRIVATE_FILE_MODE } from '../store/private-files.ts';
import { join } from 'node:path';

/** A generation that cannot be deleted is only read again at the next start: never worth a crash. */
function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or the data folder was removed
  }
}

const GENERATION = /^sent-(\d+)\.log$/;

/**
 * Narrows the one window the outbox leaves open: between the provider accepting a reply and the
 * contact record (fsync'd) saying so, a crash would make the restart send it again. The moment the
 * provider answers, one line "contact, outbox entry → message id" is appended here with a
 * synchronous write (microseconds, no fsync: it survives kill -9, not power loss). At the next
 * start, an outbox entry found here is recorded as sent instead of being sent again.
 *
 * The log is cut into generations: a generation is deleted once every record save that followed
 * its lines has completed (each line is only needed until its contact record is on disk).
 */
export class SentLog {
  private readonly confirmed = new Map<string, string>();
  /** Accepted entries whose contact record is not saved yet (`key entryId` → message id). */
  private readonly unsaved = new Map<string, string>();
  private active!: { n: number; fd: number; bytes: number; unsaved: number };
  private readonly sealed = new Map<number, number>();
  private readonly recovered: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly rotateBytes = 1024 * 1024,
  ) {
    mkdirPrivateSync(dir);
    let last = 0;
    for (const name of readdirSync(dir).filter((n) => GENERATION.test(n)).sort()) {
      last = Math.max(last, Number(GENERATION.exec(name)?.[1]));
      this.recovered.push(join(dir, name));
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        try {
          const { k, e, m } = JSON.parse(line) as { k: string; e: string; m: string };
          this.confirmed.set(`${k} ${e}`, m);
        } catch {
          // empty, or torn by a crash mid-append: that reply is then sent again (the stated window)
        }
      }
    }
    this.startGeneration(last + 1);
  }

  /**
   * The message id the provider gave this outbox entry before the last crash, or in this run while
   * the record saying so could not be saved (a disk that refused writes), if it did.
   */
  sentBefore(key: string, entryId: string): string | undefined {
    const id = `${key} ${entryId}`;
    return this.unsaved.get(id) ?? this.confirmed.get(id);
  }

  /**
   * Records that the provider accepted an outbox entry. Call the returned function once the
   * contact record saying so is saved. Also kept in memory until then, so a save that fails (a
   * full disk, which fails this log's write too) cannot make this run send the reply again.
   */
  record(key: string, entryId: string, messageId: string): () => void {
    const id = `${key} ${entryId}`;
    this.unsaved.set(id, messageId);
    const line = JSON.stringify({ k: key, e: entryId, m: messageId }) + '\n';
    const generation = this.active;
    try {
      generation.bytes += writeSync(generation.fd, line);
    } catch {
      // The disk refuses writes: memory still covers this run; only a crash before the record is
      // saved could repeat this reply (the window this log narrows, for as long as the disk is back).
      return () => this.unsaved.delete(id);
    }
    generation.unsaved++;
    if (generation.bytes >= this.rotateBytes) this.rotateSafely();
    return () => {
      this.unsaved.delete(id);
      this.saved(generation.n);
    };
  }

  /** Call once every entry found at start has been dealt with: the logs from before the start are deleted. */
  forgetRecovered(): void {
    for (const file of this.recovered.splice(0)) removeFile(file);
    this.confirmed.clear();
  }

  close(): void {
    closeSync(this.active.fd);
  }

  private saved(n: number): void {
    if (n === this.active.n) {
      this.active.unsaved--;
      return;
    }
    const left = (this.sealed.get(n) ?? 1) - 1;
    if (left > 0) return void this.sealed.set(n, left);
    this.sealed.delete(n);
    removeFile(this.file(n));
  }

  /** A new generation cannot be started on a full disk: the current one is appended to a while longer. */
  private rotateSafely(): void {
    try {
      this.rotate();
    } catch {
      // tried again at the next record
    }
  }

  private rotate(): void {
    const previous = this.active;
    this.startGeneration(previous.n + 1);
    closeSync(previous.fd);
    if (previous.unsaved === 0) removeFile(this.file(previous.n));
    else this.sealed.set(previous.n, previous.unsaved);
  }

  private startGeneration(n: number): void {
    this.active = { n, fd: openSync(this.file(n), 'a', PRIVATE_FILE_MODE), bytes: 0, unsaved: 0 };
  }

  private file(n: number): string {
    return join(this.dir, `sent-${String(n).padStart(10, '0')}.log`);
  }
}
