import { setFlagsFromString } from 'node:v8';

/** V8 grows the heap to 1 + this/100 times what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Caps how far V8 lets the heap grow between full collections, for `chartbot start` (a process the
 * CLI owns; `createBot` used as a library leaves the host's heap alone). Under sustained load V8's
 * own factor (up to 4×) let a bot with 45 MB of live objects hold a 230 MB heap and 300–320 MB of
 * RSS after 100k contacts, memory it keeps once the load stops; at 100% the same run held 213 MB
 * with no measurable loss of throughput (`npm run bench`, docs/performance.md). The flag is read
 * at every collection, so setting it at start takes effect. A `--heap-growing-percent` given to
 * node explicitly wins (`=0` restores V8's default).
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, setFlags: (flags: string) => void = setFlagsFromString): boolean {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return false;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
