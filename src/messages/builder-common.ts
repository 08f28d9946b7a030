import type { InteractiveHeader, MediaSource, OutboundMessage } from './outbound.ts';
import { MessageLimitError } from './message-limit-error.ts';

/**
 * What every builder shares: the error it throws, length checks, the options every message kind
 * takes, and interactive headers and footers.
 *
 * Sources cited in the builders: "spec" is Meta's OpenAPI spec of the send API (v23.0), kept in
 * test/fixtures/meta-openapi/ (schema names such as `BodyObject` are its `components.schemas`);
 * URLs are Meta's developer documentation pages.
 */

export { MessageLimitError };
export { deferrable } from './limit-deferral.ts';

/** What a builder returns instead of throwing while `chartbot lint` loads a flow (see limit-deferral.ts). */
export const standIn = (): OutboundMessage => ({ type: 'text', text: { body: '' } });

/** Checks a length in characters (code points, as WhatsApp counts them), not UTF-16 units. */
export function maxLength(field: string, value: string, max: number, min = 1): string {
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

/**
 * A header for an interactive message: text (≤ 60 characters), or an image, video or document by
 * public URL or uploaded media id. Which kinds a message takes depends on its type (see each builder).
 */
export type HeaderSpec =
  | string
  | { image: string | MediaSource }
  | { video: string | MediaSource }
  | { document: string | MediaSource; filename?: string };

/** Options of interactive messages: a header (text, or media where the kind allows it) and a footer. */
export interface InteractiveOptions extends CommonOptions {
  header?: HeaderSpec;
  /** ≤ 60 characters (spec `FooterObject.text` maxLength 60). */
  footer?: string;
}

/** Options of interactive messages whose header can only be text (lists, Flows, product lists). */
export interface TextHeaderOptions extends CommonOptions {
  header?: string;
  footer?: string;
}

/** Adds the options every message kind shares (reply-to context, tracking data). */
export function withCommon<T extends OutboundMessage>(message: T, options: CommonOptions | undefined): T {
  if (options?.replyTo) message.context = { message_id: options.replyTo };
  // ≤ 512: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages (biz_opaque_callback_data)
  if (options?.tracking !== undefined) message.biz_opaque_callback_data = maxLength('tracking', options.tracking, 512);
  return message;
}

/** A media reference: an http(s) URL becomes `{ link }`, an object passes through (`{ id }` or `{ link }`). */
export function mediaSource(field: string, source: string | MediaSource): MediaSource {
  if (typeof source !== 'string') return source;
  if (/^https?:\/\//.test(source)) return { link: source };
  throw new MessageLimitError(field, 'must be an http(s) URL or { id } of uploaded media', source);
}

export type HeaderKind = 'text' | 'image' | 'video' | 'document';

/** Builds a header, refusing kinds the message type does not allow (`allowed`). */
export function header(spec: HeaderSpec, allowed: readonly HeaderKind[], messageType: string): InteractiveHeader {
  const kind: HeaderKind = typeof spec === 'string' ? 'text' : 'image' in spec ? 'image' : 'video' in spec ? 'video' : 'document';
  if (!allowed.includes(kind)) {
    throw new MessageLimitError('header', `a ${messageType} message takes ${allowed.length === 1 ? 'only a text header' : `a ${allowed.join(', ')} header`}, not ${kind}`, spec);
  }
  // Header text ≤ 60: spec `HeaderObject.text` maxLength 60.
  if (typeof spec === 'string') return { type: 'text', text: maxLength('header', spec, 60) };
  if ('image' in spec) return { type: 'image', image: mediaSource('header.image', spec.image) };
  if ('video' in spec) return { type: 'video', video: mediaSource('header.video', spec.video) };
  const document: MediaSource & { filename?: string } = { ...mediaSource('header.document', spec.document) };
  if (spec.filename !== undefined) document.filename = spec.filename;
  return { type: 'document', document };
}

/** Sets the header (when given and allowed) and footer (≤ 60, spec `FooterObject`) of an interactive message. */
export function decorate(
  interactive: { header?: InteractiveHeader; footer?: { text: string } },
  options: { header?: HeaderSpec; footer?: string } | undefined,
  allowed: readonly HeaderKind[],
  messageType: string,
): void {
  if (options?.header !== undefined) interactive.header = header(options.header, allowed, messageType);
  if (options?.footer !== undefined) interactive.footer = { text: maxLength('footer', options.footer, 60) };
}

/** Interactive body text: ≤ 1,024 characters for every interactive type (spec `BodyObject.text` maxLength 1024). */
export function bodyText(text: string): { text: string } {
  return { text: maxLength('body', text, 1024) };
}
