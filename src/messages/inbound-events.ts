import type { OutboundMessage } from './outbound.ts';

/**
 * The events a flow machine receives. Every inbound WhatsApp message becomes exactly one `user.*`
 * event; a message of ours that WhatsApp reports as failed becomes `bot.failed`; what people do
 * during a hand-over (a state tagged `handover`) arrives as `agent.*`.
 *
 * Events are plain JSON (timestamps are epoch milliseconds) so that they can be journalled,
 * replayed and compared in tests.
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

/**
 * A WhatsApp Flow talks to this bot's data endpoint (`POST /flows/endpoint`): the Flow opened
 * (`INIT`), a screen was submitted (`data_exchange`) or the user went back (`BACK`, for screens with
 * `refresh_on_back`). Answer with `screen(...)` or `closeFlow(...)` in the same step; the answer goes
 * back to WhatsApp encrypted. Arrives through the contact's queue like any event; the contact is the
 * one the invitation's signed `flow_token` names.
 */
export interface FlowExchangeEvent {
  type: 'flow.exchange';
  action: 'INIT' | 'data_exchange' | 'BACK';
  /** The screen the request comes from (absent for INIT). */
  screen?: string;
  /** What the screen submitted (`{}` when nothing). */
  data: Record<string, unknown>;
  /** Your tag from `flowInvitation({ endpoint: true, flowToken })`, '' for none. */
  tag: string;
  /** The signed flow_token WhatsApp sent. */
  flowToken: string;
  /** Identifies this request (the endpoint matches the answer to it). */
  exchangeId: string;
  /** Flows data API version, e.g. "3.0". */
  version: string;
  contact: Contact;
  businessNumberId: string;
  timestamp: number;
}

/**
 * WhatsApp reports that the Flow could not use one of our answers (an "error notification"); the
 * endpoint has acknowledged it. `error` is Meta's code (e.g. `INVALID_SCREEN_TRANSITION`).
 */
export interface FlowErrorEvent {
  type: 'flow.error';
  screen?: string;
  error: string;
  errorMessage?: string;
  tag: string;
  flowToken: string;
  contact: Contact;
  businessNumberId: string;
  timestamp: number;
}

/** Events of a WhatsApp Flow's data endpoint: a screen request (`flow.exchange`) or an error the client reported (`flow.error`). */
export type FlowEvent = FlowExchangeEvent | FlowErrorEvent;

/** Fields every `agent.*` event carries. */
interface AgentEventBase {
  contact: Contact;
  businessNumberId: string;
  /** When it happened, epoch milliseconds. */
  timestamp: number;
}

/**
 * A person wrote to the user during a hand-over. chartbot has already queued `messages` for
 * delivery (before any reply this event causes): the flow reacts to the fact, it does not resend.
 */
export interface AgentMessageEvent extends AgentEventBase {
  type: 'agent.message';
  /** Who wrote, as the agent tool named them (`"Sam"`). */
  agent: string;
  /** What was sent to the user, in order (messages refused before sending are not included). */
  messages: OutboundMessage[];
}

/** A person handed the conversation back (`POST /api/handovers/…/resolve`, or resolved in Chatwoot). */
export interface AgentResolvedEvent extends AgentEventBase {
  type: 'agent.resolved';
  agent: string;
}

/** No person wrote within the flow's `handover.timeoutMs` after the hand-over started. */
export interface AgentTimeoutEvent extends AgentEventBase {
  type: 'agent.timeout';
  /** When the hand-over started, epoch ms. */
  since: number;
  timeoutMs: number;
}

/** What people do during a hand-over, as the machine receives it (see docs/handover.md). */
export type AgentEvent = AgentMessageEvent | AgentResolvedEvent | AgentTimeoutEvent;

/** Every event chartbot delivers to a flow machine. Use it as `types.events` in `setup()`. */
export type ChartbotEvent = UserEvent | BotEvent | FlowEvent | AgentEvent;

/** The `type` of every user event. */
export type UserEventType = UserEvent['type'];

/**
 * Every event type chartbot delivers, as a runtime list (for `chartbot lint`'s `unknown-event`).
 * Typed as a record over the unions above, so the compiler refuses a missing or a stray type: add a
 * member to one of them and this stops compiling until it is listed here too.
 */
const DELIVERED: Record<ChartbotEvent['type'], true> = {
  'user.text': true,
  'user.button': true,
  'user.list': true,
  'user.flow': true,
  'user.order': true,
  'user.media': true,
  'user.location': true,
  'user.contacts': true,
  'user.reaction': true,
  'user.welcome': true,
  'user.system': true,
  'user.unsupported': true,
  'bot.failed': true,
  'flow.exchange': true,
  'flow.error': true,
  'agent.message': true,
  'agent.resolved': true,
  'agent.timeout': true,
};

/** The `user.*`, `bot.*`, `flow.*` and `agent.*` event types chartbot sends to flow machines. */
export const CHARTBOT_EVENT_TYPES: readonly ChartbotEvent['type'][] = Object.keys(DELIVERED) as ChartbotEvent['type'][];
