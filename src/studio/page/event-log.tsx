import { useEffect, useRef } from 'preact/hooks';
import type { LogEntryView } from '../view-types.ts';
import { clockTime, json } from './format.ts';

const short = (value: unknown): string => {
  const text = value === undefined ? '—' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

/**
 * Every event of every conversation: state before → after, context changes, replies and their
 * statuses. Clicking an entry rewinds the conversations to just after it.
 */
export function EventLog({ entries, selected, showContact, onRewind }: { entries: LogEntryView[]; selected: string | undefined; showContact: boolean; onRewind: (entry: LogEntryView) => void }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [entries.length, entries.at(-1)?.id]);
  return (
    <section class="panel event-log" aria-label="Event log">
      <h2>
        Event log <span class="hint">click an entry to rewind to it</span>
      </h2>
      {entries.length === 0 ? <p class="empty">Nothing happened yet.</p> : null}
      <ol ref={list}>
        {entries.map((entry) => (
          <li key={entry.id} class={`${entry.contact && entry.contact !== selected ? 'other' : ''}${entry.error ? ' failed' : ''}`}>
            <button type="button" class="entry" title="Rewind to here" onClick={() => onRewind(entry)}>
              <span class="entry-head">
                <span class="entry-id">#{entry.id}</span> <span class="entry-time">{clockTime(entry.at)}</span>
                {showContact && entry.contactName ? <span class="entry-contact"> {entry.contactName}</span> : null}{' '}
                <span class="entry-title">{entry.title}</span>
              </span>
              {entry.before !== undefined || entry.after !== undefined ? (
                <span class="entry-states">
                  {entry.before ?? '(new)'} → {entry.error ? 'unchanged (the flow threw)' : (entry.after ?? '(final)')}
                </span>
              ) : null}
              {entry.error ? <span class="entry-error">⚠ {entry.error}</span> : null}
              {entry.contextChanges.map((c) => (
                <span class="entry-context" title={`${json(c.before)} → ${json(c.after)}`}>
                  {c.path}: {short(c.before)} → {short(c.after)}
                </span>
              ))}
              {entry.replies.map((r) => (
                <span class={r.error ? 'entry-reply refused' : 'entry-reply'}>
                  ↳ {r.text.split('\n')[0]} <span class="entry-status">{r.error ? `not sent: ${r.error}` : (r.status ?? '')}</span>
                </span>
              ))}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
