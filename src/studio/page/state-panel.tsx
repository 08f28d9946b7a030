import type { ContactStateView } from '../view-types.ts';
import { clockDate, json } from './format.ts';

/** The selected conversation's machine: state, tags, the 24-hour window and the context. */
export function StatePanel({ contact }: { contact: ContactStateView | undefined }) {
  if (!contact) return <section class="panel state-panel" aria-label="Conversation state" />;
  return (
    <section class="panel state-panel" aria-label="Conversation state">
      <h2>{contact.name}'s conversation</h2>
      <dl>
        <dt>Flow</dt>
        <dd>{contact.flow ?? 'none serves this number'}</dd>
        <dt>State</dt>
        <dd class="state-value">
          {contact.state ?? 'not started'}
          {contact.done ? ' (final: the next message starts over)' : ''}
        </dd>
        {contact.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>{contact.tags.join(', ')}</dd>
          </>
        ) : null}
        <dt>Window</dt>
        <dd class={contact.windowOpen ? 'window open' : 'window closed'}>
          {contact.windowOpen && contact.windowOpenUntil
            ? `open until ${clockDate(contact.windowOpenUntil)}`
            : contact.windowOpenUntil
              ? 'closed: only templates reach the user (131047)'
              : 'not open yet (the user has not written)'}
        </dd>
      </dl>
      <h3>Context</h3>
      <pre class="context">{json(contact.context)}</pre>
    </section>
  );
}
