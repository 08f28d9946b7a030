import type {
  ButtonsInteractive,
  CtaUrlInteractive,
  LocationRequestInteractive,
  FlowInteractive,
  ListInteractive,
  InteractiveHeader,
  ListSection,
  MediaSource,
  OutboundMessage,
} from './outbound.ts';

/**
 * A message that WhatsApp would reject, caught while building it. The message names the field, the
 * limit and the offending value, so a flow author finds the mistake in a test.
 */
export class MessageLimitError extends Error {
  override readonly name = 'MessageLimitError';
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly value: unknown,
  ) {
    super(`${field}: ${limit} (got ${JSON.stringify(value)})`);
  }
}

function maxLength(field: string, value: string, max: number, min = 1): string {
  const length = [...value].length;
  if (length < min || length > max) {
    throw new MessageLimitError(field, min > 0 ? `must be ${min}-${max} characters` : `must be at most ${max} characters`, value);
  }
  return value;
}

/** Options every builder takes: quote a message, and tracking data echoed back in statuses. */
export interface CommonOptions {
  /** Quote an earlier message (shown as a reply in WhatsApp). */
  replyTo?: string;
  /** Echoed back in this message's status webhooks (`biz_opaque_callback_data`, ≤ 512 characters). */
  tracking?: string;
}

/** Options of interactive messages: a header and a footer. */
export interface InteractiveOptions extends CommonOptions {
  header?: string;
  footer?: string;
}

/** Adds the options every message kind shares (reply-to context, tracking data). */
export function withCommon<T extends OutboundMessage>(message: T, options: CommonOptions | undefined): T {
  if (options?.replyTo) message.context = { message_id: options.replyTo };
  if (options?.tracking !== undefined) message.biz_opaque_callback_data = maxLength('tracking', options.tracking, 512);
  return message;
}

function decorate(
  interactive: { header?: InteractiveHeader; footer?: { text: string } },
  options: InteractiveOptions | undefined,
): void {
  if (options?.header !== undefined) interactive.header = { type: 'text', text: maxLength('header', options.header, 60) };
  if (options?.footer !== undefined) interactive.footer = { text: maxLength('footer', options.footer, 60) };
}

/** A text message (body ≤ 4096 characters). */
export function text(body: string, options?: CommonOptions & { previewUrl?: boolean }): OutboundMessage {
  const message: OutboundMessage = { type: 'text', text: { body: maxLength('text.body', body, 4096) } };
  if (options?.previewUrl) message.text.preview_url = true;
  return withCommon(message, options);
}

/** One reply button for `buttons`: the id your flow receives and the title the user sees. */
export interface ButtonSpec {
  id: string;
  title: string;
}

/** Up to three reply buttons (title ≤ 20 characters, ids unique). Taps arrive as `user.button`. */
export function buttons(body: string, choices: ButtonSpec[], options?: InteractiveOptions): OutboundMessage {
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
    body: { text: maxLength('body', body, 1024) },
    action: { buttons: choices.map((c) => ({ type: 'reply' as const, reply: { id: c.id, title: c.title } })) },
  };
  decorate(interactive, options);
  return withCommon({ type: 'interactive', interactive }, options);
}

/** A list message: a button that opens up to 10 rows in total. Picks arrive as `user.list`. */
export function list(body: string, buttonLabel: string, sections: ListSection[], options?: InteractiveOptions): OutboundMessage {
  const rows = sections.flatMap((s) => s.rows);
  if (sections.length < 1 || sections.length > 10) throw new MessageLimitError('sections', 'must have 1-10 sections', sections.length);
  if (rows.length < 1 || rows.length > 10) throw new MessageLimitError('rows', 'must have 1-10 rows in total', rows.length);
  const ids = new Set<string>();
  sections.forEach((section, s) => {
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
    body: { text: maxLength('body', body, 4096) },
    action: { button: maxLength('button', buttonLabel, 20), sections },
  };
  decorate(interactive, options);
  return withCommon({ type: 'interactive', interactive }, options);
}

/** What `flowInvitation` needs: the text, the button label, which WhatsApp Flow, and its first screen. */
export interface FlowInvitationSpec extends InteractiveOptions {
  body: string;
  /** The call-to-action button label (≤ 20 characters). */
  cta: string;
  flowId?: string;
  flowName?: string;
  /** Comes back as `flowToken` on the `user.flow` event. */
  flowToken?: string;
  /** First screen to open (`flow_action: navigate`). */
  screen?: string;
  data?: Record<string, unknown>;
  mode?: 'draft' | 'published';
}

/** Invites the user to fill in a WhatsApp Flow; the submission arrives as `user.flow`. */
export function flowInvitation(spec: FlowInvitationSpec): OutboundMessage {
  if (!spec.flowId && !spec.flowName) throw new MessageLimitError('flowId', 'flowId or flowName is required', undefined);
  if (spec.flowId && spec.flowName) throw new MessageLimitError('flowName', 'give flowId or flowName, not both', spec.flowName);
  // WhatsApp refuses emoji in the flow's call-to-action label.
  if (/\p{Extended_Pictographic}/u.test(spec.cta)) throw new MessageLimitError('cta', 'must not contain emoji', spec.cta);
  const parameters: FlowInteractive['action']['parameters'] = {
    flow_message_version: '3',
    flow_cta: maxLength('cta', spec.cta, 20),
  };
  if (spec.flowId) parameters.flow_id = spec.flowId;
  if (spec.flowName) parameters.flow_name = spec.flowName;
  if (spec.flowToken) parameters.flow_token = spec.flowToken;
  if (spec.mode) parameters.mode = spec.mode;
  if (spec.screen) {
    parameters.flow_action = 'navigate';
    parameters.flow_action_payload = spec.data ? { screen: spec.screen, data: spec.data } : { screen: spec.screen };
  }
  const interactive: FlowInteractive = {
    type: 'flow',
    body: { text: maxLength('body', spec.body, 1024) },
    action: { name: 'flow', parameters },
  };
  decorate(interactive, spec);
  return withCommon({ type: 'interactive', interactive }, spec);
}

function mediaSource(field: string, source: string | MediaSource): MediaSource {
  if (typeof source !== 'string') return source;
  if (/^https?:\/\//.test(source)) return { link: source };
  throw new MessageLimitError(field, 'must be an http(s) URL or { id } of uploaded media', source);
}

/** An image by public URL or uploaded media id. */
export function image(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('image', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, 1024);
  return withCommon({ type: 'image', image: media }, options);
}

/** A document by public URL or uploaded media id. */
export function document(
  source: string | MediaSource,
  options?: CommonOptions & { caption?: string; filename?: string },
): OutboundMessage {
  const media: MediaSource & { caption?: string; filename?: string } = { ...mediaSource('document', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, 1024);
  if (options?.filename !== undefined) media.filename = options.filename;
  return withCommon({ type: 'document', document: media }, options);
}

/** A video by public URL or uploaded media id (caption ≤ 1024 characters). */
export function video(source: string | MediaSource, options?: CommonOptions & { caption?: string }): OutboundMessage {
  const media: MediaSource & { caption?: string } = { ...mediaSource('video', source) };
  if (options?.caption !== undefined) media.caption = maxLength('caption', options.caption, 1024);
  return withCommon({ type: 'video', video: media }, options);
}

/** An audio file or voice note by public URL or media id (no caption: WhatsApp has none for audio). */
export function audio(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'audio', audio: { ...mediaSource('audio', source) } }, options);
}

/** A sticker (WebP) by public URL or media id. */
export function sticker(source: string | MediaSource, options?: CommonOptions): OutboundMessage {
  return withCommon({ type: 'sticker', sticker: { ...mediaSource('sticker', source) } }, options);
}

/** A location pin. Latitude −90…90, longitude −180…180. */
export function location(
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
}

/** One contact card: `name.formatted_name` is required by WhatsApp. */
export interface ContactCard {
  name: { formatted_name: string; first_name?: string; last_name?: string };
  phones?: Array<{ phone: string; type?: string; wa_id?: string }>;
  emails?: Array<{ email: string; type?: string }>;
  urls?: Array<{ url: string; type?: string }>;
  org?: { company?: string; department?: string; title?: string };
  birthday?: string;
}

/** One or more contact cards. */
export function contacts(cards: ContactCard[], options?: CommonOptions): OutboundMessage {
  if (cards.length < 1) throw new MessageLimitError('contacts', 'must have at least 1 contact', cards.length);
  cards.forEach((card, i) => maxLength(`contacts[${i}].name.formatted_name`, card.name?.formatted_name ?? '', 1000));
  return withCommon({ type: 'contacts', contacts: cards.map((c) => ({ ...c }) as Record<string, unknown>) }, options);
}

/** Reacts to a message with one emoji. */
export function reaction(messageId: string, emoji: string): OutboundMessage {
  maxLength('reaction.message_id', messageId, 256);
  if ([...new Intl.Segmenter().segment(emoji)].length !== 1) throw new MessageLimitError('reaction.emoji', 'must be exactly one emoji', emoji);
  return { type: 'reaction', reaction: { message_id: messageId, emoji } };
}

/** Removes our reaction from a message (WhatsApp: the same request with an empty emoji). */
export function removeReaction(messageId: string): OutboundMessage {
  maxLength('reaction.message_id', messageId, 256);
  return { type: 'reaction', reaction: { message_id: messageId, emoji: '' } };
}

/** A message with one button that opens a URL (label ≤ 20 characters, http(s) URL). */
export function ctaUrl(body: string, label: string, url: string, options?: InteractiveOptions): OutboundMessage {
  if (!/^https?:\/\/\S+$/.test(url)) throw new MessageLimitError('url', 'must be an http(s) URL', url);
  const interactive: CtaUrlInteractive = {
    type: 'cta_url',
    body: { text: maxLength('body', body, 1024) },
    action: { name: 'cta_url', parameters: { display_text: maxLength('display_text', label, 20), url } },
  };
  decorate(interactive, options);
  return withCommon({ type: 'interactive', interactive }, options);
}

/** Asks the user to share their location (a "Send location" button); it arrives as `user.location`. */
export function locationRequest(body: string, options?: CommonOptions): OutboundMessage {
  const interactive: LocationRequestInteractive = {
    type: 'location_request_message',
    body: { text: maxLength('body', body, 1024) },
    action: { name: 'send_location' },
  };
  return withCommon({ type: 'interactive', interactive }, options);
}
