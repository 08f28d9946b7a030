/**
 * Time as the runtime sees it. Production uses the system clock; tests use a fake clock that
 * advances only when told, so `after` timers fire deterministically with no real waiting.
 */
export interface Clock {
  /** The current time, in epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timeout set with this clock. */
  clearTimeout(handle: unknown): void;
}

/** The real clock (`Date.now` and timers that do not keep the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
