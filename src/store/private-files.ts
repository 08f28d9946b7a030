import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';

/**
 * The data folder holds users' conversations (names, phone numbers, what they wrote): files are
 * readable by the bot's own user only, and so are the folders chartbot creates.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** `mkdir -p` with private permissions for every folder it creates. */
export async function mkdirPrivate(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export function mkdirPrivateSync(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}
