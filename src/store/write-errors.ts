/**
 * Errors of one file (its name, its folder) as opposed to errors of the disk (full, read-only, I/O).
 * A record whose file fails this way will never be written and is quarantined; any other error is
 * transient for the whole store and is retried.
 */
const PER_RECORD_CODES = new Set(['ENAMETOOLONG', 'EISDIR', 'ENOTDIR', 'EINVAL', 'ELOOP', 'ENOENT']);

export function isPerRecordError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && PER_RECORD_CODES.has(code);
}

/** Errors that mean the disk refuses writes for now (the bot answers 503 and retries). */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE']);

export function isDiskError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && DISK_CODES.has(code);
}
