import type { Contact } from './user-events.ts';

/** A message we sent failed (HTTP error when sending, or a `failed` status webhook). */
export interface BotFailedEvent {
  type: 'bot.failed';
  /** Our outbound message id, when WhatsApp assigned one before failing. */
  messageId?: string;
  code: number;
  title: string;
  contact: Contact;
  businessNumberId: string;
  timestamp: number;
}

/** Events the runtime itself sends to a contact's machine: `bot.failed` when a reply could not be delivered. */
export type BotEvent = BotFailedEvent;
