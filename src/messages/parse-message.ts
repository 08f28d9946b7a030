import type { MediaKind, OrderItem, SharedContact, UserEvent } from './inbound-events.ts';
import { parseErrors } from './parse-errors.ts';
import { parseInboundBase } from './parse-inbound-base.ts';
import { parseInteractive } from './parse-interactive.ts';
import { arr, copyStrings, isObj, num, obj, str, type Obj } from './webhook-values.ts';

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** One entry of a change's `messages`: the `user.*` event it becomes, or why it cannot be used. */
export function parseMessage(m: Obj, businessNumberId: string, displayPhoneNumber: string | undefined, contacts: Obj[]): UserEvent | string {
  const base = parseInboundBase(m, businessNumberId, displayPhoneNumber, contacts);
  if (typeof base === 'string') return base;

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
      copyStrings(event, l, [
        ['name', 'name'],
        ['address', 'address'],
        ['url', 'url'],
      ]);
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
        copyStrings(event, media, [
          ['mimeType', 'mime_type'],
          ['sha256', 'sha256'],
          ['caption', 'caption'],
          ['filename', 'filename'],
          ['url', 'url'],
        ]);
        if (media.voice === true) event.voice = true;
        if (media.animated === true) event.animated = true;
        return event;
      }
      return unsupported();
  }
}
