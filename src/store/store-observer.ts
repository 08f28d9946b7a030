/**
 * What a store reports about its own work, for metrics (src/observability/bot-metrics.ts turns
 * these into `chartbot_journal_fsync_seconds` and `chartbot_store_round_trip_seconds`). A store
 * offers it through `SessionStore.observe`; every method is optional.
 */
export interface StoreObserver {
  /** A journal made a group commit durable: its fsync (fdatasync) took `seconds`. */
  journalFsync?(journal: string, seconds: number): void;
  /**
   * A store kept on a server (e.g. Redis) made one round trip for `operation` (a command or script
   * name, never a key), taking `seconds`. The file store makes none.
   */
  roundTrip?(operation: string, seconds: number): void;
}

/** Listeners of one kind of timing; calls each, and never lets one that throws break a commit. */
export class TimingListeners {
  private readonly listeners = new Set<(seconds: number) => void>();

  /** Calls `listener` with every timing from now on; returns the function that stops it. */
  add(listener: (seconds: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether anyone listens (timing can be skipped when not). */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Reports one timing, in seconds, to every listener. */
  emit(seconds: number): void {
    for (const listener of this.listeners) {
      try {
        listener(seconds);
      } catch {
        // a metrics listener must not fail a commit
      }
    }
  }
}
