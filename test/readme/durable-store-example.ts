import { lowdbStore } from 'chartbot';

/** The store with a smaller cache, smaller journal segments and a log line if a checkpoint fails. */
export function openStore(dir: string) {
  return lowdbStore({
    dir,
    // writeAhead: false would make every save one fsync'd file write instead of a journal line
    cacheSize: 5_000, // contacts whose last saved JSON stays in memory (default 20,000)
    journalMaxBytes: 1024 * 1024, // checkpoint every MiB of journal (default 4 MiB)
    onJournalError: (error) => console.error('journal checkpoint failed; the journal is kept', error),
  });
}
