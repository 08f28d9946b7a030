import type { Contact, InboundBase, RawMessage, Referral, ReplyContext } from './inbound-events.ts';
import { MAX_ID_BYTES, MAX_MESSAGE_ID_BYTES, tooLong } from './webhook-id-limits.ts';
import { copyStrings, isObj, obj, parseTimestamp, str, type Obj } from './webhook-values.ts';

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
  copyStrings(referral, v, pairs);
  return referral;
}

/**
 * What every `user.*` event carries (id, sender, business number, time, quoted message, ad
 * referral), or why the message cannot be used at all.
 */
export function parseInboundBase(m: Obj, businessNumberId: string, displayPhoneNumber: string | undefined, contacts: Obj[]): InboundBase | string {
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
  return base;
}
