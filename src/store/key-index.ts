import { closeSync, openSync, writeSync } from 'node:fs';
import { copyFile, open, readFile, rename } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from './private-files.ts';

/**
 * An append-only log of "contact K → number" lines (the earliest timer of a contact, or whether it
 * has unsent replies), so that after a restart the runtime finds the contacts that need work without
 * reading every contact file. The contact records stay the source of truth; the log is compacted at
 * every open.
 *
 * Lines are appended with a synchronous write (a few microseconds into the page cache, like the
 * sent log): it survives kill -9 and is ordered before the contact write that follows it. Through
 * fs/promises each append cost a thread-pool round trip and was the largest single item of the
 * bot's CPU profile (two appends per message).
 */
export class KeyIndex {
  private readonly current = new Map<string, number>();
  private fd: number | undefined;
  /** Keys changed by `note` whose lines are not written yet. */
  private readonly unwritten = new Set<string>();

  constructor(
    private readonly file: string,
    /** Called when a line other than the last is unreadable: a copy was kept aside and the index must be rebuilt. */
    private readonly onDamaged?: (file: string, quarantinedAs: string) => void,
  ) {}

  /**
   * Reads the log (a torn last line is ignored) and rewrites it compacted. False when there was no
   * usable log: missing, or damaged before its last line (then a copy is kept aside and reported), so
   * the caller rebuilds it from the contact records.
   */
  async open(): Promise<boolean> {
    let existed = true;
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      existed = false;
    }
    const lines = text.split('\n').filter((line) => line !== '');
    let damaged = false;
    lines.forEach((line, i) => {
      try {
        const { k, at } = JSON.parse(line) as { k: string; at: number | null };
        if (at === null) this.current.delete(k);
        else this.current.set(k, at);
      } catch {
        // The last line may be torn by a crash mid-append (the contact file has the truth); any other is damage.
        if (i < lines.length - 1) damaged = true;
      }
    });
    if (damaged) {
      const quarantinedAs = `${this.file}.corrupt-${Date.now()}`;
      await copyFile(this.file, quarantinedAs);
      this.current.clear();
      this.onDamaged?.(this.file, quarantinedAs);
    }
    await this.compact();
    return existed && !damaged;
  }

  private async compact(): Promise<void> {
    const temp = `${this.file}.compact.tmp`;
    const lines = [...this.current].map(([k, at]) => JSON.stringify({ k, at }) + '\n').join('');
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    await handle.writeFile(lines);
    await handle.sync();
    await handle.close();
    await rename(temp, this.file);
    this.fd = openSync(this.file, 'a', PRIVATE_FILE_MODE);
  }

  get(key: string): number | undefined {
    return this.current.get(key);
  }

  entries(): Map<string, number> {
    return new Map(this.current);
  }

  /** Records the value for a contact (undefined: remove it). Cheap when unchanged. */
  set(key: string, at: number | undefined): Promise<void> {
    if (this.current.get(key) === at) return Promise.resolve();
    this.remember(key, at);
    const line = JSON.stringify({ k: key, at: at ?? null }) + '\n';
    try {
      if (this.fd !== undefined) writeSync(this.fd, line);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  /**
   * Records the value in memory only, for a caller whose write-ahead journal covers the record
   * until `writeNoted` has run (before the journal is retired). Saves the two index lines per
   * message the write-ahead store would otherwise append.
   */
  note(key: string, at: number | undefined): void {
    if (this.current.get(key) === at) return;
    this.remember(key, at);
    this.unwritten.add(key);
  }

  private remember(key: string, at: number | undefined): void {
    if (at === undefined) this.current.delete(key);
    else this.current.set(key, at);
  }

  /** Appends the current value of every key given to `note` since the last call, in one write. */
  writeNoted(): void {
    if (this.unwritten.size === 0 || this.fd === undefined) return;
    let lines = '';
    for (const k of this.unwritten) lines += JSON.stringify({ k, at: this.current.get(k) ?? null }) + '\n';
    this.unwritten.clear();
    writeSync(this.fd, lines);
  }

  async close(): Promise<void> {
    this.writeNoted();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
