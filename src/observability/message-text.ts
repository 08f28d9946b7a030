import type { EventObject } from 'xstate';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';

/**
 * The words of a message, for the contact history when it keeps text (CHARTBOT_HISTORY_TEXT=true):
 * what the user typed or tapped, what the bot said. Undefined when the message has no text of its own.
 */
export function inboundText(event: EventObject): string | undefined {
  if (!event.type.startsWith('user.')) return undefined;
  const e = event as UserEvent;
  switch (e.type) {
    case 'user.text':
      return e.text;
    case 'user.button':
    case 'user.list':
      return e.title;
    case 'user.media':
      return e.caption;
    case 'user.order':
      return e.text;
    case 'user.flow':
      return e.body;
    case 'user.location':
      return e.name ?? e.address;
    case 'user.reaction':
      return e.emoji || undefined;
    case 'user.system':
      return e.body;
    default:
      return undefined;
  }
}

export function outboundText(message: OutboundMessage): string | undefined {
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'interactive':
      return message.interactive.body?.text;
    case 'image':
      return message.image.caption;
    case 'video':
      return message.video.caption;
    case 'document':
      return message.document.caption ?? message.document.filename;
    case 'template':
      return `template ${message.template.name}`;
    case 'reaction':
      return message.reaction.emoji;
    case 'location':
      return message.location.name ?? message.location.address;
    default:
      return undefined;
  }
}
