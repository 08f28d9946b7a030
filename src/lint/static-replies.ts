import type { ReplyContent } from '../conversation/reply.ts';
import { buttons, ctaUrl, document, flowInvitation, image, list, text, video } from '../messages/builders.ts';
import { deferredLimitError } from '../messages/limit-deferral.ts';
import { MessageLimitError } from '../messages/message-limit-error.ts';
import type { OutboundMessage } from '../messages/outbound.ts';

/** The items of a reply's content: texts and messages. */
export function itemsOf(content: ReplyContent): Array<string | OutboundMessage> {
  if (content === undefined || content === null) return [];
  return Array.isArray(content) ? [...(content as ReadonlyArray<string | OutboundMessage>)] : [content as string | OutboundMessage];
}

/** Stand-ins for messages whose builder failed while lint loaded the flow, anywhere inside `value`. */
function deferredIn(value: unknown, found: MessageLimitError[], depth = 0): void {
  if (typeof value !== 'object' || value === null || depth > 8) return;
  const error = deferredLimitError(value);
  if (error) {
    found.push(error);
    return;
  }
  for (const inner of Object.values(value)) deferredIn(inner, found, depth + 1);
}

/**
 * Checks a message written as a literal object by building it again with the builder of its kind:
 * the builders are the one place WhatsApp's limits are written down.
 */
function rebuild(message: OutboundMessage): void {
  const header = (m: { header?: { type: string; text?: string } }) => (m.header?.type === 'text' && m.header.text !== undefined ? { header: m.header.text } : {});
  const footer = (m: { footer?: { text: string } }) => (m.footer ? { footer: m.footer.text } : {});
  switch (message.type) {
    case 'text':
      text(message.text.body);
      return;
    case 'image':
      image(message.image, message.image.caption === undefined ? {} : { caption: message.image.caption });
      return;
    case 'video':
      video(message.video, message.video.caption === undefined ? {} : { caption: message.video.caption });
      return;
    case 'document':
      document(message.document, message.document.caption === undefined ? {} : { caption: message.document.caption });
      return;
    case 'interactive': {
      const i = message.interactive;
      // Product, catalog and order messages carry no text header to re-check here.
      const options = { ...header(i as { header?: { type: string; text?: string } }), ...footer(i as { footer?: { text: string } }) };
      if (i.type === 'button') buttons(i.body.text, i.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })), options);
      else if (i.type === 'list') list(i.body.text, i.action.button, i.action.sections, options);
      else if (i.type === 'cta_url') ctaUrl(i.body.text, i.action.parameters.display_text, i.action.parameters.url, options);
      else if (i.type === 'flow') {
        const p = i.action.parameters;
        flowInvitation({ body: i.body.text, cta: p.flow_cta, ...(p.flow_id ? { flowId: p.flow_id } : {}), ...(p.flow_name ? { flowName: p.flow_name } : {}), ...options });
      }
      return;
    }
    default:
      return; // the other kinds have no limits a literal could break that the builders check
  }
}

/** Every WhatsApp limit the static content of a reply breaks, as the builders word it. */
export function limitErrorsOf(content: ReplyContent): MessageLimitError[] {
  const errors: MessageLimitError[] = [];
  for (const item of itemsOf(content)) {
    const deferred: MessageLimitError[] = [];
    deferredIn(item, deferred);
    if (deferred.length) {
      errors.push(...deferred);
      continue;
    }
    try {
      if (typeof item === 'string') text(item);
      else rebuild(item);
    } catch (error) {
      // Only limits are this rule's business; a malformed literal is the type checker's.
      if (error instanceof MessageLimitError) errors.push(error);
    }
  }
  return errors;
}

/** Whether static content holds a message other than a template (WhatsApp refuses those outside the 24-hour window). */
export function holdsFreeForm(content: ReplyContent): boolean {
  return itemsOf(content).some((item) => typeof item === 'string' || item.type !== 'template');
}
