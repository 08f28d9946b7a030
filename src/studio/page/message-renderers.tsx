import type { ComponentChildren } from 'preact';
import type { Interactive, InteractiveHeader, MediaSource, OutboundMessage, TemplateComponent, TemplateParameter } from '../../messages/outbound.ts';
import { FlowForm } from './flow-form.tsx';
import { WhatsAppText } from './wa-format.tsx';

/** What a bubble can do: only the newest interactive message's buttons, rows and form are live. */
export interface BubbleActions {
  current: boolean;
  tap(title: string): void;
  pick(title: string): void;
  formOpen: boolean;
  toggleForm(): void;
  submitForm(response: Record<string, unknown>): void;
  shareLocation(): void;
}

type Renderer<T> = (message: T, actions: BubbleActions) => ComponentChildren;
type MessageOf<K extends string> = Extract<OutboundMessage, { type: K }>;
type InteractiveOf<K extends string> = Extract<Interactive, { type: K }>;

/** Where a media message points; never fetched (the page loads nothing from elsewhere). */
const source = (media: Partial<MediaSource>): string => ('link' in media && media.link ? media.link : `media id ${'id' in media ? String(media.id) : '?'}`);

/** A letter badge per kind (the page uses no emoji of its own: fonts for them may be missing). */
const MEDIA_BADGE: Record<string, string> = { image: 'IMG', video: 'VID', audio: 'AUD', document: 'DOC', sticker: 'STK' };

function MediaCard({ kind, media, caption, filename }: { kind: string; media: Partial<MediaSource>; caption?: string | undefined; filename?: string | undefined }) {
  return (
    <div class="media">
      <div class="media-frame">
        <span class="media-icon" aria-hidden="true">
          {MEDIA_BADGE[kind] ?? 'FILE'}
        </span>
        <span class="media-kind">{kind}</span>
        {filename ? <span class="media-file">{filename}</span> : null}
        <span class="media-source">{source(media)}</span>
      </div>
      {caption ? <WhatsAppText text={caption} /> : null}
    </div>
  );
}

function Header({ header }: { header: InteractiveHeader }) {
  if (header.type === 'text') return <div class="header">{header.text}</div>;
  const media = header.type === 'image' ? header.image : header.type === 'video' ? header.video : header.document;
  return <MediaCard kind={header.type} media={media} filename={header.type === 'document' ? header.document.filename : undefined} />;
}

function parameterText(p: TemplateParameter): string {
  switch (p.type) {
    case 'text':
      return p.parameter_name ? `${p.parameter_name}: ${p.text}` : p.text;
    case 'currency':
      return p.currency.fallback_value;
    case 'date_time':
      return p.date_time.fallback_value;
    case 'payload':
      return `payload ${p.payload}`;
    case 'coupon_code':
      return `code ${p.coupon_code}`;
    default:
      return `${p.type} ${source((p as unknown as Record<string, Partial<MediaSource>>)[p.type] ?? {})}`;
  }
}

function componentName(c: TemplateComponent): string {
  return c.type === 'button' ? `button ${Number(c.index) + 1} (${c.sub_type.replace('_', ' ')})` : c.type;
}

/** Interactive messages by kind: adding a kind is one entry. */
const INTERACTIVE: { [K in Interactive['type']]?: Renderer<InteractiveOf<K>> } = {
  button: (i, a) => (
    <div class="choices">
      {i.action.buttons.map((b) => (
        <button type="button" class="choice" disabled={!a.current} key={b.reply.id} onClick={() => a.tap(b.reply.title)}>
          {b.reply.title}
        </button>
      ))}
    </div>
  ),
  list: (i, a) => (
    <div class="list">
      <div class="list-button">☰ {i.action.button}</div>
      {i.action.sections.map((s, n) => (
        <div class="section" key={n}>
          {s.title ? <div class="section-title">{s.title}</div> : null}
          {s.rows.map((r) => (
            <button type="button" class="row" aria-label={r.title} disabled={!a.current} key={r.id} onClick={() => a.pick(r.title)}>
              <span class="row-title">{r.title}</span>
              {r.description ? <span class="row-description">{r.description}</span> : null}
            </button>
          ))}
        </div>
      ))}
    </div>
  ),
  cta_url: (i) => (
    <div class="cta">
      <span class="cta-label">↗ {i.action.parameters.display_text}</span>
      <span class="cta-url">{i.action.parameters.url}</span>
    </div>
  ),
  flow: (i, a) => {
    const p = i.action.parameters;
    return (
      <div class="flow">
        <button type="button" class="choice" disabled={!a.current} aria-expanded={a.formOpen} onClick={a.toggleForm}>
          {p.flow_cta}
        </button>
        {a.formOpen && a.current ? (
          <FlowForm screen={p.flow_action_payload?.screen} flowId={p.flow_id ?? p.flow_name} token={p.flow_token} onSubmit={a.submitForm} />
        ) : null}
      </div>
    );
  },
  product: (i) => (
    <div class="product">
      <span class="product-label">Product</span> <code>{i.action.product_retailer_id}</code>
      <div class="product-catalog">catalog {i.action.catalog_id}</div>
    </div>
  ),
  product_list: (i) => (
    <div class="list">
      <div class="list-button">☰ View items</div>
      {i.action.sections.map((s, n) => (
        <div class="section" key={n}>
          <div class="section-title">{s.title}</div>
          {s.product_items.map((item) => (
            <div class="row" key={item.product_retailer_id}>
              <span class="row-title">{item.product_retailer_id}</span>
            </div>
          ))}
        </div>
      ))}
    </div>
  ),
  catalog_message: (i) => (
    <div class="cta">
      <span class="cta-label">View catalog</span>
      <span class="cta-url">thumbnail {i.action.parameters.thumbnail_product_retailer_id}</span>
    </div>
  ),
  order_details: (i) => {
    const p = i.action.parameters;
    const money = (amount: { value: number; offset: number }) => `${(amount.value / amount.offset).toFixed(2)} ${p.currency}`;
    return (
      <div class="order">
        <div class="order-reference">Order {p.reference_id}</div>
        {p.order.items.map((item) => (
          <div class="order-line" key={item.retailer_id}>
            {item.quantity} × {item.name} — {money(item.amount)}
          </div>
        ))}
        <div class="order-total">Total {money(p.total_amount)}</div>
        <span class="cta-label">Review and pay</span>
      </div>
    );
  },
  order_status: (i) => (
    <div class="order">
      <div class="order-reference">Order {i.action.parameters.reference_id}</div>
      <div class="order-status">
        {i.action.parameters.order.status}
        {i.action.parameters.order.description ? `: ${i.action.parameters.order.description}` : ''}
      </div>
    </div>
  ),
  location_request_message: (_i, a) => (
    <div class="choices">
      <button type="button" class="choice" disabled={!a.current} onClick={a.shareLocation}>
        Send location
      </button>
    </div>
  ),
};

function renderInteractive(i: Interactive, a: BubbleActions): ComponentChildren {
  const action = (INTERACTIVE as Record<string, Renderer<Interactive> | undefined>)[i.type];
  return (
    <div class={`interactive interactive-${i.type}`}>
      {'header' in i && i.header ? <Header header={i.header} /> : null}
      {i.body ? <WhatsAppText text={i.body.text} /> : null}
      {i.footer ? <div class="footer">{i.footer.text}</div> : null}
      {action ? action(i, a) : <Unknown value={i} kind={`interactive ${i.type}`} />}
    </div>
  );
}

/** Every outbound kind, readably: adding a kind (a product, a catalog) is one entry here. */
const RENDERERS: { [K in OutboundMessage['type']]?: Renderer<MessageOf<K>> } = {
  text: (m) => <WhatsAppText text={m.text.body} />,
  image: (m) => <MediaCard kind="image" media={m.image} caption={m.image.caption} />,
  video: (m) => <MediaCard kind="video" media={m.video} caption={m.video.caption} />,
  audio: (m) => <MediaCard kind="audio" media={m.audio} />,
  sticker: (m) => <MediaCard kind="sticker" media={m.sticker} />,
  document: (m) => <MediaCard kind="document" media={m.document} caption={m.document.caption} filename={m.document.filename} />,
  location: (m) => (
    <div class="location">
      <svg class="location-pin" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
        <path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />
      </svg>
      <div>
        {m.location.name ? <div class="location-name">{m.location.name}</div> : null}
        {m.location.address ? <div class="location-address">{m.location.address}</div> : null}
        <div class="location-coordinates">
          {m.location.latitude}, {m.location.longitude}
        </div>
      </div>
    </div>
  ),
  contacts: (m) => (
    <div class="contacts">
      {m.contacts.map((c, n) => {
        const card = c as { name?: { formatted_name?: string }; phones?: Array<{ phone?: string }>; emails?: Array<{ email?: string }> };
        return (
          <div class="contact-card" key={n}>
            <strong>{card.name?.formatted_name ?? 'Contact'}</strong>
            {(card.phones ?? []).map((p) => (
              <div class="contact-line">{p.phone}</div>
            ))}
            {(card.emails ?? []).map((e) => (
              <div class="contact-line">{e.email}</div>
            ))}
          </div>
        );
      })}
    </div>
  ),
  reaction: (m) => <div class="reaction-line">reacted {m.reaction.emoji || '(removed)'}</div>,
  interactive: (m, a) => renderInteractive(m.interactive, a),
  template: (m) => (
    <div class="template">
      <div class="template-name">
        Template <strong>{m.template.name}</strong> <span class="template-language">({m.template.language.code})</span>
      </div>
      {(m.template.components ?? []).map((c, n) => (
        <div class="template-component" key={n}>
          <span class="template-part">{componentName(c)}</span>
          <ul>
            {c.parameters.map((p, k) => (
              <li key={k}>{parameterText(p)}</li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  ),
};

function Unknown({ value, kind }: { value: unknown; kind: string }) {
  return (
    <div class="unknown">
      <div>{kind} message</div>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

/** A bot message's content; a kind without a renderer yet shows as its JSON. */
export function MessageContent({ message, actions }: { message: OutboundMessage; actions: BubbleActions }) {
  const render = (RENDERERS as Record<string, Renderer<OutboundMessage> | undefined>)[message.type];
  return <>{render ? render(message, actions) : <Unknown value={message} kind={message.type} />}</>;
}
