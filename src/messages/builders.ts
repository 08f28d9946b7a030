import type {
  ButtonsInteractive,
  CtaUrlInteractive,
  LocationRequestInteractive,
  FlowInteractive,
  ListInteractive,
  ListSection,
  MediaSource,
  OutboundMessage,
} from './outbound.ts';
import {
  bodyText,
  decorate,
  deferrable,
  maxLength,
  mediaSource,
  MessageLimitError,
  standIn,
  withCommon,
  type CommonOptions,
  type InteractiveOptions,
  type TextHeaderOptions,
} from './builder-common.ts';

/**
 * Builders for the basic kinds (text, media, location, contacts, reactions) and the interactive
 * kinds that are not about commerce (commerce-builders.ts, order-builders.ts) or templates
 * (template-builders.ts). Every limit cites its source: "spec" is Meta's OpenAPI spec of the send
 * API (test/fixtures/meta-openapi/, schema names from its `components.schemas`); URLs are Meta's
 * documentation pages.
 */
export {
  MessageLimitError,
  withCommon,
  type CommonOptions,
  type InteractiveOptions,
  type TextHeaderOptions,
  type HeaderSpec,
} from './builder-common.ts';

/** A text message (body 1-4,096 characters). */
export const text = deferrable(function text(body: string, options?: CommonOptions & { previewUrl?: boolean }): OutboundMessage {
  // The spec gives `text.body` no maxLength; 4,096: https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages
  const message: OutboundMessage = { type: 'text', text: { body: maxLength('text.body', body, 4096) } };
  if (options?.previewUrl) message.text.preview_url = true;
  return withCommon(message, options);
}, standIn);

/** One reply button for `buttons`: the id your flow receives and the title the user sees. */
export interface ButtonSpec {
  id: string;
  title: string;
}

/**
 * Up to three reply buttons (title ≤ 20 characters, ids unique). Taps arrive as `user.button`.
 * The header may be text, an image, a video or a document
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages).
 */
export const buttons = deferrable(function buttons(body: string, choices: ButtonSpec[], options?: InteractiveOptions): OutboundMessage {
  // 1-3 buttons, id ≤ 256 without leading/trailing spaces, title ≤ 20 and unique: spec `ActionObject.buttons`.
  if (choices.length < 1 || choices.length > 3) throw new MessageLimitError('buttons', 'must have 1-3 buttons', choices.length);
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const [i, choice] of choices.entries()) {
    maxLength(`buttons[${i}].id`, choice.id, 256);
    if (choice.id.trim() !== choice.id) throw new MessageLimitError(`buttons[${i}].id`, 'must not start or end with spaces', choice.id);
    maxLength(`buttons[${i}].title`, choice.title, 20);
    if (ids.has(choice.id)) throw new MessageLimitError(`buttons[${i}].id`, 'must be unique', choice.id);
    if (titles.has(choice.title)) throw new MessageLimitError(`buttons[${i}].title`, 'must be unique', choice.title);
    ids.add(choice.id);
    titles.add(choice.title);
  }
  const interactive: ButtonsInteractive = {
    type: 'button',
    body: bodyText(body),
    action: { buttons: choices.map((c) => ({ type: 'reply' as const, reply: { id: c.id, title: c.title } })) },
  };
  decorate(interactive, options, ['text', 'image', 'video', 'document'], 'reply-buttons');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * A list message: a button that opens up to 10 rows in total. Picks arrive as `user.list`. The
 * header can only be text (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages).
 */
export const list = deferrable(function list(body: string, buttonLabel: string, sections: ListSection[], options?: TextHeaderOptions): OutboundMessage {
  const rows = sections.flatMap((s) => s.rows);
  // 1-10 sections: spec `ActionObject.sections`. 10 rows across all sections: the list-messages page above.
  if (sections.length < 1 || sections.length > 10) throw new MessageLimitError('sections', 'must have 1-10 sections', sections.length);
  if (rows.length < 1 || rows.length > 10) throw new MessageLimitError('rows', 'must have 1-10 rows in total', rows.length);
  const ids = new Set<string>();
  sections.forEach((section, s) => {
    // Section title ≤ 24, required with several sections; row id ≤ 200, title ≤ 24, description ≤ 72: spec `SectionObject`.
    if (sections.length > 1 && !section.title) throw new MessageLimitError(`sections[${s}].title`, 'is required when there is more than one section', section.title);
    if (section.title !== undefined) maxLength(`sections[${s}].title`, section.title, 24);
    section.rows.forEach((row, r) => {
      maxLength(`sections[${s}].rows[${r}].id`, row.id, 200);
      maxLength(`sections[${s}].rows[${r}].title`, row.title, 24);
      if (row.description !== undefined) maxLength(`sections[${s}].rows[${r}].description`, row.description, 72, 0);
      if (ids.has(row.id)) throw new MessageLimitError(`sections[${s}].rows[${r}].id`, 'must be unique', row.id);
      ids.add(row.id);
    });
  });
  const interactive: ListInteractive = {
    type: 'list',
    // 1,024 like every interactive body (spec `BodyObject`); it used to be 4,096 here, which WhatsApp refuses.
    body: bodyText(body),
    // Button label ≤ 20: spec `ActionObject.button`.
    action: { button: maxLength('button', buttonLabel, 20), sections },
  };
  decorate(interactive, options, ['text'], 'list');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/** What `flowInvitation` needs: the text, the button label, which WhatsApp Flow, and its first screen. */
export interface FlowInvitationSpec extends TextHeaderOptions {
  body: string;
  /** The call-to-action button label (≤ 30 characters, no emoji). */
  cta: string;
  flowId?: string;
  flowName?: string;
  /**
   * Comes back as `flowToken` on the `user.flow` event. With `endpoint: true` it is your own tag,
   * carried inside the signed token chartbot issues (`tag` on `flow.exchange`).
   */
  flowToken?: string;
  /** First screen to open (`flow_action: navigate`). */
  screen?: string;
  data?: Record<string, unknown>;
  mode?: 'draft' | 'published';
  /**
   * The Flow talks to this bot's data endpoint (`POST /flows/endpoint`): chartbot issues a signed
   * `flow_token` naming this contact when the message is sent, and the Flow's requests arrive in
   * the contact's machine as `flow.exchange` events. Without `screen`, the Flow starts with an
   * `INIT` request (`flow_action: data_exchange`).
   */
  endpoint?: boolean;
}

/**
 * Placeholder `flow_token` of an invitation built with `endpoint: true`: replaced by a signed
 * token when the message is sent (src/flows-endpoint/flow-token.ts). `tag` is the author's own.
 */
export const FLOW_TOKEN_PLACEHOLDER = 'chartbot:flow-token';
export function flowTokenPlaceholder(tag?: string): string {
  return tag === undefined ? FLOW_TOKEN_PLACEHOLDER : `${FLOW_TOKEN_PLACEHOLDER}:${tag}`;
}

/**
 * Invites the user to fill in a WhatsApp Flow; the submission arrives as `user.flow`. The header
 * can only be text (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow).
 */
export const flowInvitation = deferrable(function flowInvitation(spec: FlowInvitationSpec): OutboundMessage {
  // flow_id or flow_name, not both: spec `ActionObject` (flow parameters, oneOf).
  if (!spec.flowId && !spec.flowName) throw new MessageLimitError('flowId', 'flowId or flowName is required', undefined);
  if (spec.flowId && spec.flowName) throw new MessageLimitError('flowName', 'give flowId or flowName, not both', spec.flowName);
  // "Advised 30 characters or less, no emoji": spec `ActionObject` flow_cta (maxLength 30).
  if (/\p{Extended_Pictographic}/u.test(spec.cta)) throw new MessageLimitError('cta', 'must not contain emoji', spec.cta);
  const parameters: FlowInteractive['action']['parameters'] = {
    flow_message_version: '3',
    flow_cta: maxLength('cta', spec.cta, 30),
  };
  if (spec.flowId) parameters.flow_id = spec.flowId;
  if (spec.flowName) parameters.flow_name = spec.flowName;
  if (spec.endpoint) {
    if (spec.flowToken !== undefined) maxLength('flowToken', spec.flowToken, 64);
    parameters.flow_token = flowTokenPlaceholder(spec.flowToken);
  } else if (spec.flowToken) parameters.flow_token = spec.flowToken;
  if (spec.mode) parameters.mode = spec.mode;
  if (spec.screen) {
    parameters.flow_action = 'navigate';
    // `data` "must be a non-empty object": spec `ActionObject` flow_action_payload.data.
    if (spec.data !== undefined && Object.keys(spec.data).length === 0) throw new MessageLimitError('data', 'must be a non-empty object (or left out)', spec.data);
    parameters.flow_action_payload = spec.data ? { screen: spec.screen, data: spec.data } : { screen: spec.screen };
  } else if (spec.endpoint) {
    parameters.flow_action = 'data_exchange';
  } else if (spec.data !== undefined) {
    throw new MessageLimitError('data', 'needs a screen (data goes to the first screen)', spec.data);
  }
  const interactive: FlowInteractive = {
    type: 'flow',
    body: bodyText(spec.body),
    action: { name: 'flow', parameters },
  };
  decorate(interactive, spec, ['text'], 'flow');
  return withCommon({ type: 'interactive', interactive }, spec);
}, standIn);

// Captions ≤ 1,024 (image, video, document): https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#media-object
const CAPTION_MAX = 1024;

/** An image by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const image = deferrable(function image(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('image', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  return withCommon({ type: 'image', image: media }, options);
}, standIn);

/** A document by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const document = deferrable(function document(
  source: string | MediaSource,
  options?: CommonOptions & { caption?: string; filename?: string },
): OutboundMessage {
  const media: MediaSource & { caption?: string; filename?: string } = { ...mediaSource('document', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  if (options?.filename !== undefined) media.filename = options.filename;
  return withCommon({ type: 'document', document: media }, options);
}, standIn);

/** A video by public URL or uploaded media id (caption ≤ 1,024 characters). */
export const video = deferrable(function video(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('video', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, CAPTION_MAX);
  return withCommon({ type: 'video', video: media }, options);
}, standIn);

/** An audio file or voice note by public URL or media id (no caption: WhatsApp has none for audio). */
export const audio = deferrable(function audio(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'audio', audio: { ...mediaSource('audio', source) } }, options);
}, standIn);

/** A sticker (WebP) by public URL or media id. */
export const sticker = deferrable(function sticker(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'sticker', sticker: { ...mediaSource('sticker', source) } }, options);
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

/**
 * A message with one button that opens a URL (label ≤ 20 characters, http(s) URL). The header may be
 * text, an image, a video or a document
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-cta-url-messages).
 */
export const ctaUrl = deferrable(function ctaUrl(body: string, label: string, url: string, options?: InteractiveOptions): OutboundMessage {
  if (!/^https?:\/\/\S+$/.test(url)) throw new MessageLimitError('url', 'must be an http(s) URL', url);
  const interactive: CtaUrlInteractive = {
    type: 'cta_url',
    body: bodyText(body),
    // display_text ≤ 20: the CTA URL page above (the spec has no cta_url schema).
    action: { name: 'cta_url', parameters: { display_text: maxLength('display_text', label, 20), url } },
  };
  decorate(interactive, options, ['text', 'image', 'video', 'document'], 'cta_url');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * Asks the user to share their location (a "Send location" button); it arrives as `user.location`.
 * No header (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/location-request-messages).
 */
export const locationRequest = deferrable(function locationRequest(body: string, options?: CommonOptions): OutboundMessage {
  const interactive: LocationRequestInteractive = {
    type: 'location_request_message',
    body: bodyText(body),
    action: { name: 'send_location' },
  };
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);
