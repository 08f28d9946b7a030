import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A temp folder for the test file: created before its tests, removed after. Call `path()` inside tests. */
export function tempDirForFile(prefix: string): { path: () => string } {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    path: () => {
      if (!dir) throw new Error('tempDirForFile: the folder exists only while the tests run');
      return dir;
    },
  };
}
