import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirPrivate, PRIVATE_FILE_MODE } from './private-files.ts';

/**
 * Keeps a record that cannot be written where it belongs in `dir/quarantine/`, with the reason,
 * for someone to look at. Returns the file it is kept in.
 */
export async function quarantineRecord(dir: string, key: string, json: string, error: unknown): Promise<string> {
  const folder = join(dir, 'quarantine');
  await mkdirPrivate(folder);
  const file = join(folder, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}-${Date.now()}.json`);
  const reason = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
  await writeFile(file, JSON.stringify({ key, reason, record: JSON.parse(json) as unknown }), { mode: PRIVATE_FILE_MODE });
  return file;
}
