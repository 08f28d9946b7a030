import type { AnyStateMachine, EventObject, StateValue } from 'xstate';
import type { ExchangeOutcome } from '../flows-endpoint/flow-exchange.ts';
import type { FlowExchangeEvent } from '../messages/inbound-events.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { ObservedContact } from './observed-contact.ts';
import type { MessageBody } from './simulated-messages.ts';

/** What a TestContact needs from its TestBot (kept narrow so the contact is easy to read). */
export interface ContactDriver {
  /** Sends one user message through the production parser and runtime; resolves when all work settled. */
  sendMessage(contact: ObservedContact, body: MessageBody, replyTo?: string): Promise<string>;
  /** Delivers a status webhook for one of the bot's messages; resolves when settled. */
  sendStatus(contact: ObservedContact, messageId: string, status: 'sent' | 'delivered' | 'read' | 'failed', error?: { code: number; title: string }): Promise<void>;
  /** Delivers a proactive event to the contact's machine (`runtime.notify`); resolves when settled. */
  notify(contact: ObservedContact, event: EventObject): Promise<void>;
  /** A WhatsApp Flow's data-endpoint request, as the endpoint delivers it (no encryption); resolves when settled. */
  exchange(contact: ObservedContact, event: FlowExchangeEvent): Promise<ExchangeOutcome>;
  load(contact: ObservedContact): Promise<ContactRecord | undefined>;
  machineFor(businessNumberId: string): AnyStateMachine;
  /** The last root snapshot xstate showed for this contact (the store drops it at a final state). */
  lastSnapshot(contact: ObservedContact): { value: StateValue; context: unknown; status: string; tags: Set<string> } | undefined;
  /** Message ids the runtime marked read. */
  readIds(): readonly string[];
  /**
   * Runs one action of the contact; rejects with a FlowStepError when the flow failed on it (unless
   * the bot was created with `flowErrors: 'park'`).
   */
  watch<T>(contact: ObservedContact, action: string, work: () => Promise<T>): Promise<T>;
}
