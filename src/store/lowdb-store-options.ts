/** Options of `lowdbStore`, the default store: one JSON file per contact, with a write-ahead journal. */
export interface LowdbStoreOptions {
  /** Folder for the data (created if missing). */
  dir: string;
  /** Durable saves (default true): a kill -9 or power loss never loses an acknowledged change. */
  fsync?: boolean;
  /**
   * Default true: saves go to a write-ahead journal with group commit (one fdatasync for every save
   * made meanwhile), and contact files are rewritten in place at checkpoints. False: every save is
   * one fsync'd atomic file write (temp file + rename), simpler on disk but about 1 ms of kernel CPU
   * per save on ext4 (docs/performance.md).
   */
  writeAhead?: boolean;
  /**
   * Journal segment size that triggers a checkpoint (contact files rewritten, made durable; default
   * 4 MiB). Smaller checkpoints flush less at once: a checkpoint's syncfs stalls the journal's
   * fsyncs while it runs (docs/performance.md).
   */
  journalMaxBytes?: number;
  /**
   * How many contacts' last saved documents stay in memory as JSON text (default 20,000; about
   * 0.5–2 KB each), least recently used evicted first. A miss costs a file read. No actor is kept.
   */
  cacheSize?: number;
  /** Changed contacts that trigger a journal checkpoint (their latest JSON is held until then; default 1,250). */
  journalMaxPending?: number;
  /** Called when a damaged contact file or index line is found and moved aside (the contact starts over; indexes are rebuilt). */
  onCorrupt?: (file: string, quarantinedAs: string, error: unknown) => void;
  /** A journal checkpoint failed (the journal is kept, so nothing acknowledged is lost). */
  onJournalError?: (error: unknown) => void;
  /** A checkpoint succeeded again after failures. */
  onJournalRecovered?: () => void;
  /** A record whose file cannot be written was kept aside in `quarantine/` (it no longer blocks anything). */
  onQuarantine?: (key: string, quarantinedAs: string, error: unknown) => void;
}
