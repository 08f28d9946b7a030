import { useState } from 'preact/hooks';
import type { ContactRequest } from '../view-types.ts';

/** A small catalog to order from (a `user.order` carries product ids, quantities and prices). */
export const CATALOG = [
  { id: 'mug-blue', title: 'Blue mug', price: 12.5, currency: 'EUR' },
  { id: 'tshirt-m', title: 'T-shirt (M)', price: 19.9, currency: 'EUR' },
  { id: 'stickers', title: 'Sticker pack', price: 3, currency: 'EUR' },
];

const MEDIA_KINDS = ['image', 'video', 'audio', 'voice', 'document', 'sticker'] as const;
const TABS = ['Media', 'Location', 'Contact card', 'Order', 'Event', 'Opened chat'] as const;
export type AttachTab = (typeof TABS)[number];

type Send = (request: ContactRequest) => Promise<boolean>;
const action = (verb: string, argument = ''): ContactRequest => ({ kind: 'action', verb, argument });

function MediaForm({ send }: { send: Send }) {
  const [kind, setKind] = useState<(typeof MEDIA_KINDS)[number]>('image');
  const [detail, setDetail] = useState('');
  const takes = kind === 'document' ? 'File name' : kind === 'image' || kind === 'video' ? 'Caption' : undefined;
  return (
    <form class="attach-form" onSubmit={(e) => (e.preventDefault(), void send(action(kind, takes ? detail : '')))}>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as (typeof MEDIA_KINDS)[number])}>
          {MEDIA_KINDS.map((k) => (
            <option value={k}>{k}</option>
          ))}
        </select>
      </label>
      {takes ? (
        <label>
          {takes}
          <input value={detail} onInput={(e) => setDetail(e.currentTarget.value)} />
        </label>
      ) : null}
      <button type="submit" class="primary">
        Send {kind}
      </button>
    </form>
  );
}

function LocationForm({ send }: { send: Send }) {
  const [place, setPlace] = useState({ latitude: '52.5200', longitude: '13.4050', name: '', address: '' });
  const field = (key: keyof typeof place, label: string) => (
    <label>
      {label}
      <input value={place[key]} onInput={(e) => setPlace({ ...place, [key]: e.currentTarget.value })} />
    </label>
  );
  const submit = (e: Event) => {
    e.preventDefault();
    const named = [place.name.trim(), place.address.trim()].filter(Boolean);
    const label = place.address.trim() ? `${place.name.trim() || place.address.trim()} / ${place.address.trim()}` : place.name.trim();
    void send(action('location', `${place.latitude.trim()}, ${place.longitude.trim()}${named.length ? ` ${label}` : ''}`));
  };
  return (
    <form class="attach-form" onSubmit={submit}>
      {field('latitude', 'Latitude')}
      {field('longitude', 'Longitude')}
      {field('name', 'Place name')}
      {field('address', 'Address')}
      <button type="submit" class="primary">
        Send location
      </button>
    </form>
  );
}

function ContactForm({ send }: { send: Send }) {
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  return (
    <form class="attach-form" onSubmit={(e) => (e.preventDefault(), void send(action('contact', `${name.trim()}${phone.trim() ? ` ${phone.trim()}` : ''}`)))}>
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Phone
        <input value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        Send contact card
      </button>
    </form>
  );
}

function OrderForm({ send }: { send: Send }) {
  const [quantities, setQuantities] = useState<Record<string, string>>({ [CATALOG[0]?.id ?? '']: '1' });
  const lines = CATALOG.filter((p) => Number(quantities[p.id] ?? 0) > 0).map((p) => `${Number(quantities[p.id])} x ${p.id} @ ${p.price} ${p.currency}`);
  return (
    <form class="attach-form" onSubmit={(e) => (e.preventDefault(), lines.length && void send(action('order', lines.join(', '))))}>
      {CATALOG.map((p) => (
        <label class="catalog-item">
          <span>
            {p.title} · {p.price.toFixed(2)} {p.currency}
          </span>
          <input type="number" min="0" max="99" aria-label={`Quantity of ${p.title}`} value={quantities[p.id] ?? '0'} onInput={(e) => setQuantities({ ...quantities, [p.id]: e.currentTarget.value })} />
        </label>
      ))}
      <button type="submit" class="primary" disabled={lines.length === 0}>
        Send order
      </button>
    </form>
  );
}

function EventForm({ send }: { send: Send }) {
  const [type, setType] = useState('api.');
  const [data, setData] = useState('{}');
  const [problem, setProblem] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    let fields: unknown;
    try {
      fields = JSON.parse(data || '{}');
    } catch {
      setProblem('the fields must be JSON, e.g. {"orderId": "A-1"}');
      return;
    }
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      setProblem('the fields must be a JSON object');
      return;
    }
    setProblem('');
    void send({ kind: 'event', event: { ...(fields as Record<string, unknown>), type: type.trim() } });
  };
  return (
    <form class="attach-form" onSubmit={submit}>
      <p class="hint">An event from your own system (proactive), delivered to the contact's machine.</p>
      <label>
        Event type
        <input value={type} onInput={(e) => setType(e.currentTarget.value)} />
      </label>
      <label>
        Fields (JSON)
        <textarea rows={3} value={data} onInput={(e) => setData(e.currentTarget.value)} />
      </label>
      {problem ? <p class="problem">{problem}</p> : null}
      <button type="submit" class="primary">
        Send event
      </button>
    </form>
  );
}

/** Everything a WhatsApp user (or your system) can send besides text. */
export function AttachPanel({ send, tab, onTab }: { send: Send; tab: AttachTab; onTab: (tab: AttachTab) => void }) {
  return (
    <div class="attach">
      <div class="tabs" role="tablist" aria-label="What to send">
        {TABS.map((t) => (
          <button type="button" role="tab" aria-selected={t === tab} class={t === tab ? 'tab active' : 'tab'} onClick={() => onTab(t)}>
            {t}
          </button>
        ))}
      </div>
      {tab === 'Media' ? <MediaForm send={send} /> : null}
      {tab === 'Location' ? <LocationForm send={send} /> : null}
      {tab === 'Contact card' ? <ContactForm send={send} /> : null}
      {tab === 'Order' ? <OrderForm send={send} /> : null}
      {tab === 'Event' ? <EventForm send={send} /> : null}
      {tab === 'Opened chat' ? (
        <div class="attach-form">
          <p class="hint">The user opens the chat with the business for the first time (request_welcome).</p>
          <button type="button" class="primary" onClick={() => void send(action('welcome'))}>
            Open the chat
          </button>
        </div>
      ) : null}
    </div>
  );
}
