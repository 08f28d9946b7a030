import type { OutboundMessage, TemplateComponent } from '../messages/outbound.ts';
import { templateParameterText } from '../messages/template-builders.ts';

/**
 * Translates a Cloud-API-shaped outbound message into D7's `content` object
 * (`POST /whatsapp/v2/send` → `messages[].content`). D7 takes the same inner shapes for
 * interactive, location, contacts and reaction; media become `ATTACHMENT`s by URL; templates are
 * addressed by `template_id` with positional body values.
 */
export type D7Content = { message_type: string } & Record<string, unknown>;

/** A message D7 cannot carry (e.g. media by uploaded id): refused before any HTTP call. */
export class D7UnsupportedError extends Error {
  override readonly name = 'D7UnsupportedError';
}


function templateContent(message: Extract<OutboundMessage, { type: 'template' }>): D7Content {
  const { template } = message;
  const out: Record<string, unknown> = { template_id: template.name, language: template.language.code };
  const components: TemplateComponent[] = template.components ?? [];
  const body = components.find((c) => c.type === 'body');
  if (body) {
    const values: Record<string, string> = {};
    body.parameters.forEach((p, i) => (values[String(i)] = templateParameterText(p) ?? ''));
    out.body_parameter_values = values;
  }
  const header = components.find((c) => c.type === 'header');
  const first = header?.parameters[0];
  if (first) {
    if (first.type === 'text') out.media = { media_type: 'text', text_header_title: first.text };
    else if (first.type === 'image' || first.type === 'video' || first.type === 'document') {
      const source = first.type === 'image' ? first.image : first.type === 'video' ? first.video : first.document;
      if (!('link' in source)) throw new D7UnsupportedError(`D7 template header ${first.type} needs a link, not a media id`);
      out.media = { media_type: first.type, media_url: source.link };
    }
  }
  const quickReplies: Array<Record<string, string>> = [];
  const actions: Array<Record<string, string>> = [];
  for (const c of components) {
    if (c.type !== 'button') continue;
    if (c.sub_type === 'catalog' || c.sub_type === 'flow') {
      throw new D7UnsupportedError(`D7 cannot fill a template's ${c.sub_type} button (button ${c.index} of ${template.name}): D7's template content has quick replies and url/copy_code actions only; send this template through the Cloud API or 360dialog`);
    }
    const value = c.parameters[0] ? templateParameterText(c.parameters[0]) ?? '' : '';
    if (c.sub_type === 'quick_reply') quickReplies.push({ button_index: c.index, button_payload: value });
    else actions.push({ action_type: c.sub_type, action_index: c.index, action_payload: value });
  }
  if (quickReplies.length || actions.length) {
    out.buttons = { ...(quickReplies.length ? { quick_replies: quickReplies } : {}), ...(actions.length ? { actions } : {}) };
  }
  return { message_type: 'TEMPLATE', template: out };
}

/**
 * The interactive types D7's content object documents (`interactive.type`: button, list, cta_url,
 * location_request_message, address_message, flow); products, catalogs and orders are not among them.
 */
const D7_INTERACTIVE_TYPES: readonly string[] = ['button', 'list', 'cta_url', 'location_request_message', 'flow'];

export function d7Content(message: OutboundMessage): D7Content {
  switch (message.type) {
    case 'text':
      return { message_type: 'TEXT', text: { ...message.text } };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const media: { link?: string; id?: string; caption?: string; filename?: string } =
        message.type === 'image'
          ? message.image
          : message.type === 'video'
            ? message.video
            : message.type === 'audio'
              ? message.audio
              : message.type === 'document'
                ? message.document
                : message.sticker;
      if (typeof media.link !== 'string') throw new D7UnsupportedError(`D7 sends ${message.type} by URL only (got a media id)`);
      const attachment: Record<string, unknown> = { type: message.type, url: media.link };
      if (typeof media.caption === 'string') attachment.caption = media.caption;
      if (typeof media.filename === 'string') attachment.filename = media.filename;
      return { message_type: 'ATTACHMENT', attachment };
    }
    case 'location':
      return { message_type: 'LOCATION', location: { ...message.location } };
    case 'contacts':
      return { message_type: 'CONTACTS', contacts: message.contacts };
    case 'reaction':
      return { message_type: 'REACTION', reaction: { ...message.reaction } };
    case 'interactive':
      if (!D7_INTERACTIVE_TYPES.includes(message.interactive.type)) {
        throw new D7UnsupportedError(
          `D7 cannot send interactive ${message.interactive.type} messages (its INTERACTIVE content takes ${D7_INTERACTIVE_TYPES.join(', ')}); send ${message.interactive.type} through the Cloud API or 360dialog`,
        );
      }
      return { message_type: 'INTERACTIVE', interactive: message.interactive };
    case 'template':
      return templateContent(message);
  }
}
