import type { OutboundMessage } from './outbound.ts';
import type { Contact } from './user-events.ts';

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
