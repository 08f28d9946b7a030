import type {
  Contact,
  InboundBase,
  MediaKind,
  OrderItem,
  RawMessage,
  Referral,
  ReplyContext,
  SharedContact,
  UserEvent,
  WhatsAppError,
} from './inbound-events.ts';
import type { StatusUpdate } from './status-update.ts';
import { mapGatewayStatus } from '../providers/gateway-status.ts';
import { jsonTooDeep } from '../webhook/json-limits.ts';

/** What one webhook POST contained, normalised. Nothing of a batch is dropped silently. */
export interface ParsedWebhook {
  messages: UserEvent[];
  statuses: StatusUpdate[];
  /** Parts chartbot could not use, with the reason (the caller logs them). */
  ignored: IgnoredPart[];
  /** Template changes (`message_template_status_update` and its siblings): the template check refetches. */
  templateUpdates?: TemplateUpdate[];
}

/** A `message_template_status_update` (or components/category update) webhook change. */
export interface TemplateUpdate {
  field: string;
  /** APPROVED, REJECTED, PAUSED, DISABLED, … (status updates). */
  event?: string;
  templateId?: string;
  name?: string;
  language?: string;
  reason?: string;
}

/** Webhook fields that say a template changed (https://developers.facebook.com/docs/graph-api/webhooks/reference/whatsapp-business-account/). */
const TEMPLATE_FIELDS = new Set(['message_template_status_update', 'message_template_components_update', 'template_category_update', 'message_template_quality_update']);

/** A part of a webhook that carries nothing chartbot handles (e.g. `account_update`); logged, not processed. */
export interface IgnoredPart {
  reason: string;
  part: unknown;
}

/** Thrown when a body is JSON but not a WhatsApp webhook envelope at all (answered with 400). */
export class NotAWebhookError extends Error {
  override readonly name = 'NotAWebhookError';
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
/** For messages about a value: String() throws on JSON like {"toString":1}, JSON.stringify does not. */
const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined').slice(0, 100));
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};

/** WhatsApp timestamps are Unix seconds, as a string or a number; placeholders parse to 0. */
export function parseTimestamp(v: unknown): number {
  const seconds = num(v);
  return seconds > 0 ? seconds * 1000 : 0;
}

/**
 * Longest sender id / business number id accepted, in UTF-8 bytes (not characters: 64 CJK
 * characters are 192 bytes). Real ones are at most ~30 ASCII characters; the contact key is part of
 * a file name and of every Redis key.
 */
export const MAX_ID_BYTES = 64;
/**
 * Longest message id accepted, in UTF-8 bytes. A `wamid.…` is about 60 ASCII characters; ids are
 * stored per contact for de-duplication, so a 500,000-character one must not be.
 */
export const MAX_MESSAGE_ID_BYTES = 256;

const tooLong = (id: string, max: number): boolean => id.length > max || Buffer.byteLength(id) > max;

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/**
 * Parses a Cloud API webhook body (also what 360dialog relays) into events and status updates.
 * Iterates every entry × change × message/status: peers that read `[0]` lose batched messages.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  if (!isObj(body) || !Array.isArray(body.entry)) {
    throw new NotAWebhookError(
      'not a WhatsApp webhook: expected a JSON object like {"object":"whatsapp_business_account","entry":[…]}',
    );
  }
  const out: ParsedWebhook = { messages: [], statuses: [], ignored: [] };
  if (body.object !== undefined && body.object !== 'whatsapp_business_account') {
    // Another product's webhook (a Page, Instagram) sent to this URL: none of it is ours.
    out.ignored.push({ reason: `object "${show(body.object)}" is not whatsapp_business_account: the whole body is ignored`, part: body.object });
    return out;
  }
  for (const entry of body.entry) {
    for (const change of arr(obj(entry).changes)) {
      parseChange(change, out);
    }
  }
  return out;
}

function parseChange(change: unknown, out: ParsedWebhook): void {
  const c = obj(change);
  const field = str(c.field);
  const value = obj(c.value);
  if (field !== undefined && TEMPLATE_FIELDS.has(field)) {
    const update: TemplateUpdate = { field };
    const pairs: Array<[Exclude<keyof TemplateUpdate, 'field'>, string]> = [
      ['event', 'event'],
      ['templateId', 'message_template_id'],
      ['name', 'message_template_name'],
      ['language', 'message_template_language'],
      ['reason', 'reason'],
    ];
    for (const [key, wire] of pairs) {
      const v = str(value[wire]);
      if (v !== undefined) update[key] = v;
    }
    (out.templateUpdates ??= []).push(update);
    return;
  }
  if (field !== undefined && field !== 'messages') {
    out.ignored.push({ reason: `change field "${field}" is not handled`, part: change });
    return;
  }
  const metadata = obj(value.metadata);
  const businessNumberId = str(metadata.phone_number_id) ?? '';
  const displayPhoneNumber = str(metadata.display_phone_number);
  const contacts = arr(value.contacts).map(obj);
  if (arr(value.errors).length > 0) {
    out.ignored.push({ reason: 'webhook-level errors reported by WhatsApp', part: value.errors });
  }
  for (const message of arr(value.messages)) {
    if (!businessNumberId || tooLong(businessNumberId, MAX_ID_BYTES)) {
      out.ignored.push({ reason: `message without a usable metadata.phone_number_id (1–${MAX_ID_BYTES} bytes)`, part: message });
      continue;
    }
    const event = parseMessage(obj(message), businessNumberId, displayPhoneNumber, contacts);
    if (typeof event === 'string') out.ignored.push({ reason: event, part: message });
    else out.messages.push(event);
  }
  for (const status of arr(value.statuses)) {
    const update = parseStatus(obj(status), businessNumberId);
    if (typeof update === 'string') out.ignored.push({ reason: update, part: status });
    else out.statuses.push(update);
  }
}

function findContact(m: Obj, contacts: Obj[]): Contact | undefined {
  const from = str(m.from) || undefined;
  const fromUserId = str(m.from_user_id) || undefined;
  const match =
    contacts.find((c) => (from && str(c.wa_id) === from) || (fromUserId && str(c.user_id) === fromUserId)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const waId = from ?? fromUserId ?? (str(match?.wa_id) || undefined) ?? (str(match?.user_id) || undefined);
  if (!waId) return undefined;
  const contact: Contact = { waId };
  const userId = fromUserId ?? (str(match?.user_id) || undefined);
  if (userId) contact.userId = userId;
  const name = str(obj(match?.profile).name);
  if (name) contact.name = name;
  return contact;
}

function parseContext(v: unknown): ReplyContext | undefined {
  if (!isObj(v)) return undefined;
  const messageId = str(v.id) ?? str(v.message_id);
  const referred = isObj(v.referred_product) ? v.referred_product : undefined;
  if (!messageId && !referred) return undefined;
  const context: ReplyContext = { messageId: messageId ?? '' };
  const from = str(v.from);
  if (from) context.from = from;
  if (referred) {
    context.referredProduct = {
      catalogId: str(referred.catalog_id) ?? '',
      productRetailerId: str(referred.product_retailer_id) ?? '',
    };
  }
  if (v.forwarded === true) context.forwarded = true;
  if (v.frequently_forwarded === true) context.frequentlyForwarded = true;
  return context;
}

function parseReferral(v: unknown): Referral | undefined {
  if (!isObj(v)) return undefined;
  const pairs: Array<[keyof Referral, string]> = [
    ['sourceUrl', 'source_url'],
    ['sourceId', 'source_id'],
    ['sourceType', 'source_type'],
    ['headline', 'headline'],
    ['body', 'body'],
    ['mediaType', 'media_type'],
    ['imageUrl', 'image_url'],
    ['videoUrl', 'video_url'],
    ['thumbnailUrl', 'thumbnail_url'],
    ['ctwaClid', 'ctwa_clid'],
  ];
  const referral: Referral = {};
  for (const [key, wire] of pairs) {
    const value = str(v[wire]);
    if (value !== undefined) referral[key] = value;
  }
  return referral;
}

export function parseErrors(v: unknown): WhatsAppError[] {
  return arr(v).map((e) => {
    const o = obj(e);
    const error: WhatsAppError = { code: num(o.code) };
    const title = str(o.title);
    if (title !== undefined) error.title = title;
    const message = str(o.message);
    if (message !== undefined) error.message = message;
    const details = str(obj(o.error_data).details) ?? str(o.details);
    if (details !== undefined) error.details = details;
    return error;
  });
}

/** `response_json` is a JSON string in Meta's payloads and an object in some gateways' docs. */
function parseFlowResponse(v: unknown): Obj {
  if (isObj(v)) return v;
  if (typeof v === 'string') {
    // A nested-JSON bomb inside the string would later overflow the stack when the event is saved.
    if (jsonTooDeep(v)) return { raw: v };
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObj(parsed)) return parsed;
    } catch {
      // fall through: keep the text so the flow author can still see what arrived
    }
    return { raw: v };
  }
  return {};
}

function parseMessage(m: Obj, businessNumberId: string, displayPhoneNumber: string | undefined, contacts: Obj[]): UserEvent | string {
  const messageId = str(m.id);
  if (!messageId) return 'message without an id (cannot be de-duplicated or marked read)';
  if (tooLong(messageId, MAX_MESSAGE_ID_BYTES)) return `message id longer than ${MAX_MESSAGE_ID_BYTES} bytes`;
  const contact = findContact(m, contacts);
  if (!contact) return 'message without a sender (no from, from_user_id or contact wa_id)';
  if (tooLong(contact.waId, MAX_ID_BYTES)) return `sender id longer than ${MAX_ID_BYTES} bytes`;
  const base: InboundBase = {
    messageId,
    contact,
    businessNumberId,
    timestamp: parseTimestamp(m.timestamp),
    raw: m as RawMessage,
  };
  if (displayPhoneNumber) base.displayPhoneNumber = displayPhoneNumber;
  const context = parseContext(m.context);
  if (context) base.context = context;
  const referral = parseReferral(m.referral);
  if (referral) base.referral = referral;

  const type = str(m.type) ?? '';
  const unsupported = (): UserEvent => ({
    ...base,
    type: 'user.unsupported',
    messageType: type || 'missing',
    errors: parseErrors(m.errors),
  });

  switch (type) {
    case 'text':
      return { ...base, type: 'user.text', text: str(obj(m.text).body) ?? '' };
    case 'button': {
      const b = obj(m.button);
      return { ...base, type: 'user.button', id: str(b.payload) ?? str(b.text) ?? '', title: str(b.text) ?? '' };
    }
    case 'interactive':
      return parseInteractive(obj(m.interactive), base) ?? unsupported();
    case 'order': {
      const o = obj(m.order);
      const items: OrderItem[] = arr(o.product_items).map((i) => {
        const item = obj(i);
        return {
          productRetailerId: str(item.product_retailer_id) ?? '',
          quantity: num(item.quantity),
          itemPrice: num(item.item_price),
          currency: str(item.currency) ?? '',
        };
      });
      const event: UserEvent = { ...base, type: 'user.order', catalogId: str(o.catalog_id) ?? '', items };
      const text = str(o.text);
      if (text !== undefined) event.text = text;
      return event;
    }
    case 'location': {
      const l = obj(m.location);
      const event: UserEvent = { ...base, type: 'user.location', latitude: num(l.latitude), longitude: num(l.longitude) };
      for (const key of ['name', 'address', 'url'] as const) {
        const value = str(l[key]);
        if (value !== undefined) event[key] = value;
      }
      return event;
    }
    case 'contacts':
      return { ...base, type: 'user.contacts', contacts: arr(m.contacts).filter(isObj) as SharedContact[] };
    case 'reaction': {
      const r = obj(m.reaction);
      const emoji = str(r.emoji) ?? '';
      return { ...base, type: 'user.reaction', reactedMessageId: str(r.message_id) ?? '', emoji, removed: emoji === '' };
    }
    case 'request_welcome':
      return { ...base, type: 'user.welcome' };
    case 'system': {
      const s = obj(m.system);
      const event: UserEvent = { ...base, type: 'user.system', systemType: str(s.type) ?? 'unknown' };
      const body = str(s.body);
      if (body !== undefined) event.body = body;
      const newWaId = str(s.new_wa_id) ?? str(s.wa_id);
      if (newWaId !== undefined) event.newWaId = newWaId;
      return event;
    }
    default:
      if ((MEDIA_KINDS as readonly string[]).includes(type)) {
        const media = obj(m[type]);
        const event: UserEvent = { ...base, type: 'user.media', kind: type as MediaKind, mediaId: str(media.id) ?? '' };
        const optional: Array<['mimeType' | 'sha256' | 'caption' | 'filename' | 'url', string]> = [
          ['mimeType', 'mime_type'],
          ['sha256', 'sha256'],
          ['caption', 'caption'],
          ['filename', 'filename'],
          ['url', 'url'],
        ];
        for (const [key, wire] of optional) {
          const value = str(media[wire]);
          if (value !== undefined) event[key] = value;
        }
        if (media.voice === true) event.voice = true;
        if (media.animated === true) event.animated = true;
        return event;
      }
      return unsupported();
  }
}

function parseInteractive(i: Obj, base: InboundBase): UserEvent | undefined {
  switch (str(i.type)) {
    case 'button_reply': {
      const r = obj(i.button_reply);
      return { ...base, type: 'user.button', id: str(r.id) ?? '', title: str(r.title) ?? '' };
    }
    case 'list_reply': {
      const r = obj(i.list_reply);
      const event: UserEvent = { ...base, type: 'user.list', id: str(r.id) ?? '', title: str(r.title) ?? '' };
      const description = str(r.description);
      if (description !== undefined) event.description = description;
      return event;
    }
    case 'nfm_reply': {
      const r = obj(i.nfm_reply);
      const response = parseFlowResponse(r.response_json);
      const event: UserEvent = { ...base, type: 'user.flow', response };
      const flowToken = str(response.flow_token);
      if (flowToken !== undefined) event.flowToken = flowToken;
      const name = str(r.name);
      if (name !== undefined) event.name = name;
      const body = str(r.body);
      if (body !== undefined) event.body = body;
      return event;
    }
    default:
      return undefined;
  }
}

function parseStatus(s: Obj, businessNumberId: string): StatusUpdate | string {
  const messageId = str(s.id);
  if (!messageId) return 'status without a message id';
  if (tooLong(messageId, MAX_MESSAGE_ID_BYTES)) return `status message id longer than ${MAX_MESSAGE_ID_BYTES} bytes`;
  // Gateways speak their own vocabularies (SENT, ERROR, EXPIRED, undeliverable…): one status model.
  const status = mapGatewayStatus(str(s.status) ?? '');
  if (!status) return `unknown status "${show(s.status)}"`;
  const recipient = str(s.recipient_id) || str(s.recipient_user_id) || '';
  if (tooLong(recipient, MAX_ID_BYTES) || tooLong(businessNumberId, MAX_ID_BYTES)) return `status with an id longer than ${MAX_ID_BYTES} bytes`;
  const update: StatusUpdate = {
    messageId,
    status,
    timestamp: parseTimestamp(s.timestamp),
    recipientId: recipient,
    businessNumberId,
    errors: parseErrors(s.errors),
    raw: s,
  };
  const tracking = str(s.biz_opaque_callback_data);
  if (tracking !== undefined) update.tracking = tracking;
  return update;
}
