/**
 * Builders for what a WhatsApp user can send, in the Cloud API webhook shape. The harness wraps
 * them in a webhook envelope and runs them through the production parser, so a test exercises
 * the same code path as a real message.
 */

export interface OrderLine {
  /** `product_retailer_id` of the catalog item. */
  product: string;
  quantity: number;
  price: number;
  currency: string;
}

/** A location the simulated user shares (`contact.shareLocation`). */
export interface LocationShare {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

/** Media the simulated user sends (`contact.sendMedia`). */
export interface MediaShare {
  /** Media id WhatsApp assigned (default: a made-up one). */
  id?: string;
  caption?: string;
  filename?: string;
  mimeType?: string;
  /** Audio only: a voice note recorded in WhatsApp. */
  voice?: boolean;
}

/** The media kinds a simulated user can send. */
export type MediaKindSent = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** A contact card the simulated user shares (`contact.shareContacts`). */
export interface ContactCard {
  name: string;
  phone?: string;
  waId?: string;
}

/** The `type`-specific part of one inbound message object. */
export type MessageBody = { type: string } & Record<string, unknown>;

export const textBody = (body: string): MessageBody => ({ type: 'text', text: { body } });

export const buttonBody = (id: string, title: string): MessageBody => ({
  type: 'interactive',
  interactive: { type: 'button_reply', button_reply: { id, title } },
});

export const listBody = (id: string, title: string, description?: string): MessageBody => ({
  type: 'interactive',
  interactive: { type: 'list_reply', list_reply: { id, title, ...(description === undefined ? {} : { description }) } },
});

/** A WhatsApp Flow submission: Meta sends `response_json` as a JSON string. */
export const flowBody = (response: Record<string, unknown>, flowToken?: string): MessageBody => ({
  type: 'interactive',
  interactive: {
    type: 'nfm_reply',
    nfm_reply: {
      name: 'flow',
      body: 'Sent',
      response_json: JSON.stringify(flowToken === undefined ? response : { flow_token: flowToken, ...response }),
    },
  },
});

export const orderBody = (catalogId: string, lines: OrderLine[], text?: string): MessageBody => ({
  type: 'order',
  order: {
    catalog_id: catalogId,
    ...(text === undefined ? {} : { text }),
    product_items: lines.map((l) => ({
      product_retailer_id: l.product,
      quantity: l.quantity,
      item_price: l.price,
      currency: l.currency,
    })),
  },
});

export const locationBody = (location: LocationShare): MessageBody => ({ type: 'location', location: { ...location } });

let mediaCounter = 0;
export const mediaBody = (kind: MediaKindSent, media: MediaShare = {}): MessageBody => {
  const payload: Record<string, unknown> = { id: media.id ?? `media.test.${++mediaCounter}` };
  if (media.mimeType !== undefined) payload.mime_type = media.mimeType;
  if (media.caption !== undefined) payload.caption = media.caption;
  if (media.filename !== undefined) payload.filename = media.filename;
  if (media.voice) payload.voice = true;
  return { type: kind, [kind]: payload };
};

export const contactsBody = (cards: ContactCard[]): MessageBody => ({
  type: 'contacts',
  contacts: cards.map((c) => {
    const [first, ...rest] = c.name.split(' ');
    return {
      name: { formatted_name: c.name, first_name: first, ...(rest.length ? { last_name: rest.join(' ') } : {}) },
      phones: c.phone === undefined ? [] : [{ phone: c.phone, type: 'CELL', ...(c.waId ? { wa_id: c.waId } : {}) }],
    };
  }),
});

export const reactionBody = (messageId: string, emoji: string): MessageBody => ({
  type: 'reaction',
  reaction: { message_id: messageId, emoji },
});

/** The user opened the chat for the first time (WhatsApp's `request_welcome`). */
export const welcomeBody = (): MessageBody => ({ type: 'request_welcome' });

/** Wraps one message in a webhook envelope as Meta sends it. */
export function webhookEnvelope(options: {
  businessNumberId: string;
  displayPhoneNumber: string;
  waId: string;
  name?: string;
  messageId: string;
  timestamp: number;
  body: MessageBody;
  replyTo?: string;
}): Record<string, unknown> {
  const message: Record<string, unknown> = {
    from: options.waId,
    id: options.messageId,
    timestamp: String(Math.floor(options.timestamp / 1000)),
    ...options.body,
  };
  if (options.replyTo !== undefined) message.context = { from: options.displayPhoneNumber, id: options.replyTo };
  return messagesChange(options, {
    contacts: [{ profile: { name: options.name ?? '' }, wa_id: options.waId }],
    messages: [message],
  });
}

/** A status webhook for one of our messages. */
export function statusEnvelope(options: {
  businessNumberId: string;
  displayPhoneNumber: string;
  waId: string;
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: number;
  error?: { code: number; title: string };
}): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: options.messageId,
    status: options.status,
    timestamp: String(Math.floor(options.timestamp / 1000)),
    recipient_id: options.waId,
  };
  if (options.error) status.errors = [{ code: options.error.code, title: options.error.title, message: options.error.title }];
  return messagesChange(options, { statuses: [status] });
}

/** The Cloud API envelope around one change of the `messages` field. */
function messagesChange(
  options: { businessNumberId: string; displayPhoneNumber: string },
  value: Record<string, unknown>,
): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA.test',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: options.displayPhoneNumber, phone_number_id: options.businessNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  };
}
