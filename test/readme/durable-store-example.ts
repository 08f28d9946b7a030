import { lowdbStore } from 'chartbot';

/** The store with its write-ahead journal, smaller journal segments and a log line if a checkpoint fails. */
export function openStore(dir: string) {
  return lowdbStore({
    dir,
    writeAhead: true, // opt in to the write-ahead journal (default: one fsync'd file write per save)
    journalMaxBytes: 4 * 1024 * 1024, // checkpoint every 4 MiB of journal (default 16 MiB)
    onJournalError: (error) => console.error('journal checkpoint failed; the journal is kept', error),
  });
}
