import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** fsyncs a file or folder; one that is gone (quarantined, replaced, or its store removed) has nothing to keep. */
async function fsyncPath(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes files that were written (and renamed into place) without fsync durable. On Linux one
 * `sync -f` (syncfs: the whole filesystem, one call) is far cheaper than an fsync per file, which
 * the disk serialises; elsewhere, or if that fails, each file and its folder are fsync'd.
 */
export async function makeDurable(files: Iterable<string>, anyPathOnTheFilesystem: string): Promise<void> {
  if (process.platform === 'linux') {
    try {
      await run('sync', ['-f', anyPathOnTheFilesystem]);
      return;
    } catch {
      // no coreutils sync with -f: fall back to one fsync per file
    }
  }
  const folders = new Set<string>();
  for (const file of files) {
    await fsyncPath(file);
    folders.add(dirname(file));
  }
  for (const folder of folders) await fsyncPath(folder);
}
