import { fdatasync, fsync, writeSync } from 'node:fs';

/**
 * Appends to an open file synchronously: a write into the page cache takes microseconds. Through
 * fs/promises every call is a thread-pool round trip that cost the bot's main thread 30–40 µs here
 * (more than the write itself), and the journals append on every commit.
 */
export function appendSync(fd: number, data: Buffer): void {
  for (let written = 0; written < data.length; ) written += writeSync(fd, data, written, data.length - written);
}

/** fsync (or fdatasync) through the callback API: one thread-pool round trip, no FileHandle promise machinery. */
export function syncFile(fd: number, dataOnly: boolean): Promise<void> {
  return new Promise((resolve, reject) => (dataOnly ? fdatasync : fsync)(fd, (error) => (error ? reject(error) : resolve())));
}
