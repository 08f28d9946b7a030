import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import validatePackageName from 'validate-npm-package-name';
import { readChartbotPackage, scaffoldFiles } from './scaffold.ts';

/** A `chartbot init` that cannot go ahead; the message says why and what to do, on one line. */
export class InitError extends Error {
  override readonly name = 'InitError';
}

export interface InitOptions {
  /** Package name of the new project (default: the folder's name). */
  name?: string;
  /** Write into a folder that is not empty (files with the scaffold's names are replaced). */
  force?: boolean;
}

/** What `chartbot init` created, for the message that tells the user what to do next. */
export interface InitResult {
  dir: string;
  name: string;
  files: string[];
}

function describeFsError(error: unknown, what: string): InitError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'read-only file system'
    : code === 'ENOSPC' ? 'no space left on the device'
    : code === 'ENOTDIR' ? 'a part of the path is a file'
    : (error as Error).message;
  return new InitError(`cannot write ${what}: ${reason}`);
}

/**
 * `chartbot init [dir]`: a new bot project (see scaffold.ts for its files). Everything is checked
 * before anything is written, and the files are written into a temporary folder that is renamed
 * into place at the end, so a failure leaves nothing half-written.
 */
export async function initCommand(dirArgument: string | undefined, options: InitOptions = {}): Promise<InitResult> {
  const dir = resolve(dirArgument ?? '.');
  const name = options.name ?? basename(dir);
  const validity = validatePackageName(name);
  if (!validity.validForNewPackages) {
    const why = [...(validity.errors ?? []), ...(validity.warnings ?? [])].join('; ');
    const hint = options.name === undefined ? 'choose a folder named like my-bot, or pass --name my-bot' : 'use lower case, digits and - (e.g. my-bot)';
    throw new InitError(`"${name}" is not a valid package name (${why}): ${hint}`);
  }

  const parent = dirname(dir);
  const parentInfo = await stat(parent).catch(() => undefined);
  if (!parentInfo?.isDirectory()) throw new InitError(`${parent} is not a folder: create it first, or choose another place for the bot`);
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new InitError(`${dir} is a file, not a folder: choose another name`);
  const entries = existing ? await readdir(dir) : [];
  if (entries.length > 0 && !options.force) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new InitError(`${dir} is not empty (${shown}): choose a new folder, or pass --force to add the bot's files to it (files with the same names are replaced)`);
  }

  const files = await scaffoldFiles(name, await readChartbotPackage());
  // With --force the files go next to what is there: a scaffold path that is a folder there stops it.
  for (const path of files.keys()) {
    const target = await stat(join(dir, path)).catch(() => undefined);
    if (target?.isDirectory()) throw new InitError(`${join(dir, path)} is a folder: remove it, or choose another folder for the bot`);
  }

  // The temporary folder sits where the files will go (same file system, so renames are atomic).
  const stagingParent = entries.length > 0 ? dir : parent;
  // (mkdir, not mkdtemp: the folder becomes the project and keeps the user's usual permissions.)
  const staging = join(stagingParent, `.chartbot-init-${randomUUID()}`);
  try {
    await mkdir(staging);
  } catch (error) {
    throw describeFsError(error, `in ${stagingParent}`);
  }
  try {
    for (const [path, text] of files) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), text);
    }
    if (entries.length === 0) {
      if (existing) await rmdir(dir);
      await rename(staging, dir);
    } else {
      for (const path of files.keys()) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await rename(join(staging, path), join(dir, path));
      }
      await rm(staging, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw describeFsError(error, `the project into ${dir}`);
  }
  return { dir, name, files: [...files.keys()].sort() };
}

/** The lines printed after a successful init. */
export function nextSteps(result: InitResult, cwd = process.cwd()): string {
  const where = relative(cwd, result.dir) || '.';
  const cd = where === '.' ? [] : [`  cd ${where.includes(' ') ? JSON.stringify(where) : where}`];
  return [
    `Created ${result.name} in ${result.dir}: a support flow (flows/support.ts), its tests (test/) and every setting (.env.example).`,
    '',
    ...cd,
    '  npm install',
    '  npm start     # the bot on http://localhost:3000 (replies are printed until WHATSAPP_TOKEN is set)',
    '  npm test',
    '',
  ].join('\n');
}
