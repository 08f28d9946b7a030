import { lowdbStore } from 'chartbot';

/** The default store, with smaller journal segments and a log line if a checkpoint fails. */
export function openStore(dir: string) {
  return lowdbStore({
    dir,
    journalMaxBytes: 4 * 1024 * 1024, // checkpoint every 4 MiB of journal (default 16 MiB)
    onJournalError: (error) => console.error('journal checkpoint failed; the journal is kept', error),
  });
}
