/**
 * The `user.*` events: every inbound WhatsApp message becomes exactly one of them. Plain JSON
 * (timestamps are epoch milliseconds) so that they can be journalled, replayed and compared in tests.
 */

/** The WhatsApp user a message came from. */
export interface Contact {
  /** WhatsApp id (phone number digits), or the business-scoped user id for username users. */
  waId: string;
  /** Business-scoped user id, when the payload carries one. */
  userId?: string;
  /** Profile name, when WhatsApp sent it. */
  name?: string;
}

/** The message the user replied to (quoted), if any. */
export interface ReplyContext {
  messageId: string;
  from?: string;
  /** Set when the user asked about a catalog product ("Message business about this product"). */
  referredProduct?: { catalogId: string; productRetailerId: string };
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
}

/** Click-to-WhatsApp ad (or post) that started the conversation. */
export interface Referral {
  sourceUrl?: string;
  sourceId?: string;
  sourceType?: string;
  headline?: string;
  body?: string;
  mediaType?: string;
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  ctwaClid?: string;
}

/** A message object exactly as the webhook delivered it. */
export type RawMessage = Record<string, unknown>;

/** Fields every `user.*` event carries. */
export interface InboundBase {
  /** The inbound message id (`wamid…`); the key for read receipts and de-duplication. */
  messageId: string;
  contact: Contact;
  /** `phone_number_id` of the business number that received the message; replies go out from it. */
  businessNumberId: string;
  /** The business number as displayed, when the webhook carries it. */
  displayPhoneNumber?: string;
  /** When the user sent it, epoch milliseconds (0 when the webhook's timestamp is unparseable). */
  timestamp: number;
  context?: ReplyContext;
  referral?: Referral;
  raw: RawMessage;
}

export interface UserTextEvent extends InboundBase {
  type: 'user.text';
  text: string;
}

/** A reply-button tap (`interactive.button_reply`) or a template quick-reply (`button`). */
export interface UserButtonEvent extends InboundBase {
  type: 'user.button';
  /** The button id we sent (or the quick-reply payload of a template button). */
  id: string;
  title: string;
}

export interface UserListEvent extends InboundBase {
  type: 'user.list';
  id: string;
  title: string;
  description?: string;
}

/** A WhatsApp Flow completion (`interactive.nfm_reply`). */
export interface UserFlowEvent extends InboundBase {
  type: 'user.flow';
  /** `response_json`, parsed (Meta sends it as a JSON string). */
  response: Record<string, unknown>;
  /** The `flow_token` we sent with the invitation, when the response carries it. */
  flowToken?: string;
  /** `nfm_reply.name` (usually `flow`). */
  name?: string;
  body?: string;
}

/** One line of a `user.order` cart. */
export interface OrderItem {
  productRetailerId: string;
  quantity: number;
  itemPrice: number;
  currency: string;
}

export interface UserOrderEvent extends InboundBase {
  type: 'user.order';
  catalogId: string;
  items: OrderItem[];
  text?: string;
}

/** The media kinds a `user.media` event can carry. */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface UserMediaEvent extends InboundBase {
  type: 'user.media';
  kind: MediaKind;
  mediaId: string;
  mimeType?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  /** Direct download URL, when newer payloads include one (needs the token). */
  url?: string;
  /** Voice note (audio recorded in WhatsApp). */
  voice?: boolean;
  /** Animated sticker. */
  animated?: boolean;
}

export interface UserLocationEvent extends InboundBase {
  type: 'user.location';
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

/** A contact card as WhatsApp delivers it (`name`, `phones`, `emails`, `org`, …). */
export type SharedContact = Record<string, unknown> & {
  name?: { formatted_name?: string; first_name?: string; last_name?: string } & Record<string, unknown>;
  phones?: Array<{ phone?: string; wa_id?: string; type?: string }>;
};

export interface UserContactsEvent extends InboundBase {
  type: 'user.contacts';
  contacts: SharedContact[];
}

export interface UserReactionEvent extends InboundBase {
  type: 'user.reaction';
  /** The reacted-to message id. */
  reactedMessageId: string;
  /** The emoji; empty string when the user removed their reaction. */
  emoji: string;
  removed: boolean;
}

/** The user opened the chat for the first time (`request_welcome`). */
export interface UserWelcomeEvent extends InboundBase {
  type: 'user.welcome';
}

/** A system notice, e.g. `user_changed_number`. */
export interface UserSystemEvent extends InboundBase {
  type: 'user.system';
  systemType: string;
  body?: string;
  /** For `user_changed_number`: the user's new WhatsApp id. */
  newWaId?: string;
}

/** An error as WhatsApp reports it (code, title, details). */
export interface WhatsAppError {
  code: number;
  title?: string;
  message?: string;
  details?: string;
}

/** A message type chartbot does not model (or WhatsApp could not represent). */
export interface UserUnsupportedEvent extends InboundBase {
  type: 'user.unsupported';
  /** The webhook's `type` field (`unknown`, `unsupported`, or a type newer than chartbot). */
  messageType: string;
  errors: WhatsAppError[];
}

/** Every event an inbound message becomes (`user.text`, `user.button`, …; see docs/events.md). */
export type UserEvent =
  | UserTextEvent
  | UserButtonEvent
  | UserListEvent
  | UserFlowEvent
  | UserOrderEvent
  | UserMediaEvent
  | UserLocationEvent
  | UserContactsEvent
  | UserReactionEvent
  | UserWelcomeEvent
  | UserSystemEvent
  | UserUnsupportedEvent;

/** The `type` of every user event. */
export type UserEventType = UserEvent['type'];
