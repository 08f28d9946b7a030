import type { OutboundMessage } from './outbound.ts';
import { deferrable, maxLength, MessageLimitError, standIn, withCommon, type CommonOptions } from './builder-common.ts';

/**
 * The message builders. Here: text, location, contacts and reactions; beside it, re-exported from
 * here: media (media-builders.ts), the interactive kinds that are not about commerce
 * (interactive-builders.ts, flow-invitation.ts). Commerce (commerce-builders.ts, order-builders.ts)
 * and templates (template-builders.ts) have their own files. Every limit cites its source: "spec"
 * is Meta's OpenAPI spec of the send API (test/fixtures/meta-openapi/, schema names from its
 * `components.schemas`); URLs are Meta's documentation pages.
 */
export {
  MessageLimitError,
  withCommon,
  type CommonOptions,
  type InteractiveOptions,
  type TextHeaderOptions,
  type HeaderSpec,
} from './builder-common.ts';
export { image, document, video, audio, sticker } from './media-builders.ts';
export { buttons, list, ctaUrl, locationRequest, type ButtonSpec } from './interactive-builders.ts';
export { flowInvitation, FLOW_TOKEN_PLACEHOLDER, flowTokenPlaceholder, type FlowInvitationSpec } from './flow-invitation.ts';

/** A text message (body 1-4,096 characters). */
export const text = deferrable(function text(body: string, options?: CommonOptions & { previewUrl?: boolean }): OutboundMessage {
  // The spec gives `text.body` no maxLength; 4,096: https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages
  const message: OutboundMessage = { type: 'text', text: { body: maxLength('text.body', body, 4096) } };
  if (options?.previewUrl) message.text.preview_url = true;
  return withCommon(message, options);
}, standIn);

/** A location pin. Latitude −90…90, longitude −180…180. */
export const location = deferrable(function location(
  latitude: number,
  longitude: number,
  options?: CommonOptions & { name?: string; address?: string },
): OutboundMessage {
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) throw new MessageLimitError('latitude', 'must be between -90 and 90', latitude);
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) throw new MessageLimitError('longitude', 'must be between -180 and 180', longitude);
  const loc: { latitude: number; longitude: number; name?: string; address?: string } = { latitude, longitude };
  if (options?.name !== undefined) loc.name = options.name;
  if (options?.address !== undefined) loc.address = options.address;
  return withCommon({ type: 'location', location: loc }, options);
}, standIn);

/** One contact card (spec `ContactObject`); `name.formatted_name` is required by WhatsApp. */
export interface ContactCard {
  name: { formatted_name: string; first_name?: string; last_name?: string; middle_name?: string; prefix?: string; suffix?: string };
  // Phone type: "Standard values are CELL, MAIN, IPHONE, HOME, and WORK" (contacts-messages page; the spec lists HOME and WORK).
  phones?: Array<{ phone: string; type?: string; wa_id?: string }>;
  emails?: Array<{ email: string; type?: string }>;
  urls?: Array<{ url: string; type?: string }>;
  addresses?: Array<{ street?: string; city?: string; state?: string; zip?: string; country?: string; country_code?: string; type?: string }>;
  org?: { company?: string; department?: string; title?: string };
  /** YYYY-MM-DD. */
  birthday?: string;
}

/** One to five contact cards. */
export const contacts = deferrable(function contacts(cards: ContactCard[], options?: CommonOptions): OutboundMessage {
  // 1-5 cards: spec `ContactsMessage.contacts`. formatted_name is required:
  // https://developers.facebook.com/docs/whatsapp/cloud-api/messages/contacts-messages
  if (cards.length < 1 || cards.length > 5) throw new MessageLimitError('contacts', 'must have 1-5 contacts', cards.length);
  cards.forEach((card, i) => {
    maxLength(`contacts[${i}].name.formatted_name`, card.name?.formatted_name ?? '', 1000);
    if (card.birthday !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(card.birthday)) throw new MessageLimitError(`contacts[${i}].birthday`, 'must be YYYY-MM-DD', card.birthday);
  });
  return withCommon({ type: 'contacts', contacts: cards.map((c) => ({ ...c }) as Record<string, unknown>) }, options);
}, standIn);

/** Reacts to a message with one emoji (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/reaction-messages). */
export const reaction = deferrable(function reaction(messageId: string, emoji: string): OutboundMessage {
  maxLength('reaction.message_id', messageId, 256);
  if ([...new Intl.Segmenter().segment(emoji)].length !== 1) throw new MessageLimitError('reaction.emoji', 'must be exactly one emoji', emoji);
  return { type: 'reaction', reaction: { message_id: messageId, emoji } };
}, standIn);

/** Removes our reaction from a message (WhatsApp: the same request with an empty emoji). */
export const removeReaction = deferrable(function removeReaction(messageId: string): OutboundMessage {
  maxLength('reaction.message_id', messageId, 256);
  return { type: 'reaction', reaction: { message_id: messageId, emoji: '' } };
}, standIn);
