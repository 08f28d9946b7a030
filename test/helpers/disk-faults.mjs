// Injected file-system faults for the disk tests: while the file named by CHARTBOT_TEST_DISK_FAULTS
// exists, writes and syncs to files whose path contains its text (empty: every file) fail with
// ENOSPC, as on a full disk; with the text starting `partial:`, a write first writes half its bytes
// (a torn append). Cutting a file back (ftruncate) keeps working, as it does on a full ext4 disk.
// Loaded into a `chartbot start` process with NODE_OPTIONS=--import=<this file>, or imported by a test.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const paths = new Map();

/** The fault to apply to `path` now: undefined (none), or { partial }. */
function fault(path) {
  const flag = process.env.CHARTBOT_TEST_DISK_FAULTS;
  if (!flag || !fs.existsSync(flag)) return undefined;
  let pattern = fs.readFileSync(flag, 'utf8').trim();
  const partial = pattern.startsWith('partial:');
  if (partial) pattern = pattern.slice('partial:'.length);
  return pattern === '' || String(path ?? '').includes(pattern) ? { partial } : undefined;
}

function enospc(syscall, path) {
  const error = new Error(`ENOSPC: no space left on device, ${syscall}${path ? ` '${path}'` : ''}`);
  return Object.assign(error, { code: 'ENOSPC', errno: -28, syscall, ...(path ? { path } : {}) });
}

const { openSync, closeSync, writeSync, fdatasync, fsync, writeFileSync } = fs;
fs.openSync = function (path, flags, ...rest) {
  // Creating a file needs space too.
  const creates = typeof flags === 'string' ? /[wa]/.test(flags) : typeof flags === 'number' && (flags & fs.constants.O_CREAT) !== 0;
  if (creates && !fs.existsSync(path) && fault(path)) throw enospc('open', String(path));
  const fd = openSync.call(this, path, flags, ...rest);
  paths.set(fd, String(path));
  return fd;
};
fs.closeSync = function (fd) {
  paths.delete(fd);
  return closeSync.call(this, fd);
};
fs.writeSync = function (fd, data, ...rest) {
  const found = fd > 2 ? fault(paths.get(fd)) : undefined;
  if (found) {
    if (found.partial && typeof data !== 'string' && data.length > 1) writeSync.call(this, fd, data, 0, Math.floor(data.length / 2));
    throw enospc('write', paths.get(fd));
  }
  return writeSync.call(this, fd, data, ...rest);
};
fs.writeFileSync = function (file, ...rest) {
  if (fault(file)) throw enospc('write', String(file));
  return writeFileSync.call(this, file, ...rest);
};
for (const [name, original] of [['fdatasync', fdatasync], ['fsync', fsync]]) {
  fs[name] = function (fd, callback) {
    if (fault(paths.get(fd))) return process.nextTick(callback, enospc(name, paths.get(fd)));
    return original.call(this, fd, callback);
  };
}
const { open, writeFile } = fsp;
fsp.open = async function (path, flags, ...rest) {
  if (typeof flags === 'string' && /[wa+]/.test(flags) && fault(path)) throw enospc('open', String(path));
  return open.call(this, path, flags, ...rest);
};
fsp.writeFile = async function (file, ...rest) {
  if (fault(file)) throw enospc('write', String(file));
  return writeFile.call(this, file, ...rest);
};
syncBuiltinESMExports();
