import type { UserEvent } from '../messages/inbound-events.ts';

/**
 * A user's message as one line of text for people (an agent inbox): the text itself, or what was
 * tapped, sent or shared. Media ids are named so an agent can ask for the file.
 */
export function describeUserEvent(event: UserEvent): string {
  switch (event.type) {
    case 'user.text':
      return event.text;
    case 'user.button':
      return `[tapped] ${event.title}`;
    case 'user.list':
      return `[picked] ${event.title}`;
    case 'user.flow':
      return `[form] ${JSON.stringify(event.response)}`;
    case 'user.order': {
      const lines = event.items.map((item) => `${item.quantity} × ${item.productRetailerId} @ ${item.itemPrice} ${item.currency}`);
      return `[order] ${lines.join(', ')}${event.text ? ` — ${event.text}` : ''}`;
    }
    case 'user.media': {
      const what = event.voice ? 'voice note' : event.kind;
      const detail = event.caption ?? event.filename;
      return `[${what}${detail ? `: ${detail}` : ''}] (WhatsApp media id ${event.mediaId})`;
    }
    case 'user.location': {
      const place = [event.name, event.address].filter(Boolean).join(', ');
      return `[location] ${place ? `${place} ` : ''}https://maps.google.com/?q=${event.latitude},${event.longitude}`;
    }
    case 'user.contacts':
      return `[contact] ${event.contacts
        .map((card) => [card.name?.formatted_name, card.phones?.[0]?.phone].filter(Boolean).join(' '))
        .join('; ')}`;
    case 'user.reaction':
      return event.removed ? '[removed a reaction]' : `[reacted ${event.emoji}]`;
    case 'user.welcome':
      return '[opened the chat]';
    case 'user.system':
      return `[${event.systemType}]${event.body ? ` ${event.body}` : ''}`;
    case 'user.unsupported':
      return `[a ${event.messageType} message WhatsApp cannot show here]`;
  }
}
