import type { Contact } from './user-events.ts';

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
