import type { AnyStateMachine } from 'xstate';
import type { Contact } from '../messages/inbound-events.ts';

/** What a flow machine receives as `input` when a contact's conversation starts. */
export interface FlowInput {
  contact: Contact;
  businessNumberId: string;
}

/** How a flow's hand-overs (states tagged `handover`) behave; see docs/handover.md. */
export interface HandoverFlowOptions {
  /**
   * When no agent has written this long after the hand-over started, the machine gets
   * `agent.timeout` (a persisted timer: it survives restarts). No timeout unless set.
   */
  timeoutMs?: number;
  /** Mark the user's messages read (blue ticks) during a hand-over, as outside it (default true). */
  markRead?: boolean;
}

export interface FlowDefinition<TMachine extends AnyStateMachine = AnyStateMachine> {
  machine: TMachine;
  /** Defaults to the file name without extension. */
  name?: string;
  description?: string;
  /**
   * `phone_number_id`s this flow serves. A flow without `numbers` serves every number that no
   * other flow claims.
   */
  numbers?: string[];
  /** Marks the catch-all flow when several flows have no `numbers`. */
  default?: boolean;
  /** Hand-over settings: `agent.timeout` after `timeoutMs`, read receipts. */
  handover?: HandoverFlowOptions;
}

/** A flow definition as the runtime uses it. */
export interface Flow {
  name: string;
  machine: AnyStateMachine;
  description?: string;
  numbers?: string[];
  default?: boolean;
  handover?: HandoverFlowOptions;
  /** Where it was loaded from, when it came from a file. */
  file?: string;
}

const FLOW = Symbol.for('chartbot.flow');

/**
 * Wraps a machine with metadata (name, which numbers it serves). A flow file may default-export
 * either a bare machine or `defineFlow({ machine, … })`.
 */
export function defineFlow<TMachine extends AnyStateMachine>(definition: FlowDefinition<TMachine>): FlowDefinition<TMachine> {
  return Object.assign({ ...definition }, { [FLOW]: true });
}

export function isFlowDefinition(value: unknown): value is FlowDefinition {
  return typeof value === 'object' && value !== null && (FLOW in value || 'machine' in value);
}
