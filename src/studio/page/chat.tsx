import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatItem, ContactRequest, ContactStateView } from '../view-types.ts';
import { AttachPanel, type AttachTab } from './attach-panel.tsx';
import { clockTime } from './format.ts';
import { MessageContent } from './message-renderers.tsx';
import { WhatsAppText } from './wa-format.tsx';

const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];
const STATUS_TICKS: Record<string, string> = { accepted: '✓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

type Send = (request: ContactRequest) => Promise<boolean>;

function Ticks({ status }: { status: string | undefined }) {
  if (!status) return null;
  return (
    <span class={`ticks ticks-${status}`} title={status} aria-label={status}>
      {STATUS_TICKS[status] ?? status}
    </span>
  );
}

function BotActions({ item, send, onClose }: { item: Extract<ChatItem, { kind: 'bot' }>; send: Send; onClose: () => void }) {
  const act = (request: ContactRequest) => void send(request).then(onClose);
  return (
    <div class="bubble-menu" role="group" aria-label="Message actions">
      {REACTIONS.map((emoji) => (
        <button type="button" aria-label={`React ${emoji}`} onClick={() => act({ kind: 'action', verb: 'react', argument: emoji, target: item.index })}>
          {emoji}
        </button>
      ))}
      {item.reaction ? (
        <button type="button" onClick={() => act({ kind: 'action', verb: 'react', argument: '', target: item.index })}>
          Remove reaction
        </button>
      ) : null}
      {(['delivered', 'read', 'failed'] as const).map((status) => (
        <button type="button" onClick={() => act({ kind: 'status', target: item.index, status })}>
          Mark {status}
        </button>
      ))}
    </div>
  );
}

function Bubble({ item, send, openAttach }: { item: ChatItem; send: Send; openAttach: (tab: AttachTab) => void }) {
  const [formOpen, setFormOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  if (item.kind === 'notice') {
    return (
      <div class={`notice notice-${item.level}`} role={item.level === 'info' ? 'status' : 'alert'}>
        {item.text}
      </div>
    );
  }
  if (item.kind === 'user') {
    return (
      <div class={`bubble user verb-${item.verb}`}>
        <WhatsAppText text={item.text} />
        <div class="meta">
          {clockTime(item.at)} <Ticks status={item.read ? 'read' : 'delivered'} />
        </div>
        {item.reaction ? <span class="reaction">{item.reaction}</span> : null}
      </div>
    );
  }
  const actions = {
    current: item.current,
    tap: (title: string) => void send({ kind: 'action', verb: 'tap', argument: title }),
    pick: (title: string) => void send({ kind: 'action', verb: 'pick', argument: title }),
    formOpen,
    toggleForm: () => setFormOpen(!formOpen),
    submitForm: (response: Record<string, unknown>) => void send({ kind: 'action', verb: 'flow', argument: JSON.stringify(response) }).then((ok) => ok && setFormOpen(false)),
    shareLocation: () => openAttach('Location'),
  };
  return (
    <div class={`bubble bot${item.error ? ' not-sent' : ''}`}>
      <MessageContent message={item.message} actions={actions} />
      {item.error ? (
        <div class="send-error">
          Not delivered: #{item.error.code} {item.error.title}
        </div>
      ) : null}
      <div class="meta">
        {clockTime(item.at)} <Ticks status={item.error ? 'failed' : item.status} />
        <button type="button" class="more" aria-label="Message actions" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
          ⋯
        </button>
      </div>
      {item.reaction ? <span class="reaction">{item.reaction}</span> : null}
      {menuOpen ? <BotActions item={item} send={send} onClose={() => setMenuOpen(false)} /> : null}
    </div>
  );
}

/** One simulated WhatsApp user: their chat with the bot and everything they can send. */
export function ChatPanel(props: { contact: ContactStateView; selected: boolean; onSelect: () => void; send: Send; error: string | undefined }) {
  const { contact, send } = props;
  const [text, setText] = useState('');
  const [attach, setAttach] = useState<AttachTab | undefined>(undefined);
  const log = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [contact.chat.length, contact.chat.at(-1)?.id]);
  const sendText = async () => {
    if (text.trim() === '') return;
    if (await send({ kind: 'action', verb: 'text', argument: text })) setText('');
  };
  const name = contact.name;
  return (
    <section class={props.selected ? 'chat-panel selected' : 'chat-panel'} aria-label={`Chat with ${name}`} onFocusIn={props.onSelect} onClick={props.onSelect}>
      <header class="chat-header">
        <div class="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </div>
        <div class="who">
          <div class="name">{name}</div>
          <div class="detail">
            +{contact.waId} → {contact.businessNumberId}
            {contact.flow ? ` (${contact.flow})` : ' (no flow serves this number)'}
          </div>
        </div>
        <div class="state-badge" title="current state">
          {contact.state ?? 'not started'}
          {contact.done ? ' ✓' : ''}
        </div>
      </header>
      <div class="chat" role="log" aria-label={`Conversation with ${name}`} ref={log}>
        {contact.chat.length === 0 ? <p class="empty">Say hi to start the conversation.</p> : null}
        {contact.chat.map((item) => (
          <Bubble key={item.id} item={item} send={send} openAttach={setAttach} />
        ))}
      </div>
      {props.error ? (
        <p class="request-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {attach ? <AttachPanel send={send} tab={attach} onTab={setAttach} /> : null}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void sendText();
        }}
      >
        <button type="button" class="attach-toggle" aria-label="More to send" aria-expanded={attach !== undefined} onClick={() => setAttach(attach ? undefined : 'Media')}>
          +
        </button>
        <input type="text" aria-label="Message" placeholder="Type a message" value={text} onInput={(e) => setText(e.currentTarget.value)} autocomplete="off" />
        <button type="submit" class="send" aria-label="Send">
          ➤
        </button>
      </form>
    </section>
  );
}
