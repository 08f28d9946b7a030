import type { UserEvent } from '../messages/inbound-events.ts';

/** The tag that gives a state to people: while the machine is in a state tagged so, a hand-over is on. */
export const HANDOVER_TAG = 'handover';

/** Id of the persisted timer that sends `agent.timeout` (kept in the record's `timers` like `after` timers). */
export const HANDOVER_TIMEOUT_ID = 'chartbot.handover.timeout';

/** A hand-over in progress, kept on the contact record from the step that entered it to the one that left it. */
export interface HandoverInfo {
  /** When the machine entered the hand-over, epoch ms. */
  since: number;
  /** The machine's state now (`handover.waiting`). */
  state: string;
  /** When the user last wrote (the start of the hand-over until they write), epoch ms. */
  lastMessageAt: number;
  /** The user's profile name, when WhatsApp sent one. */
  name?: string;
  /** Agents who wrote during this hand-over, in order of their first message. */
  agents: string[];
  /** When an agent last wrote, epoch ms. */
  lastAgentAt?: number;
}

/** One thing a person (or the hand-over timeout) did, recorded on the contact (most recent last). */
export interface AgentAction {
  kind: 'message' | 'resolve' | 'timeout';
  /** Who (absent for `timeout`). */
  agent?: string;
  at: number;
  /** `message`: how many messages went to the outbox, and how many were refused (closed window). */
  messages?: number;
  refused?: number;
  /** `message`: the types of the messages sent (`text`, `template`, …). */
  types?: string[];
}

/** Fields every notification to agents carries. */
interface NotificationBase {
  /** Unique per notification: receivers de-duplicate with it (delivery is at least once). */
  id: string;
  businessNumberId: string;
  waId: string;
  /** When it happened, epoch ms. */
  at: number;
}

/** The contact's machine entered a state tagged `handover`. */
export interface HandoverStartedNotification extends NotificationBase {
  type: 'handover.started';
  name?: string;
  flow: string;
  state: string;
  /** The event that led into the hand-over (`user.button`, `api.escalate`, …). */
  trigger: string;
}

/** The user wrote during the hand-over: the event as chartbot parsed it (media ids included). */
export interface HandoverMessageNotification extends NotificationBase {
  type: 'handover.message';
  name?: string;
  event: UserEvent;
}

/** The contact's machine left the hand-over. */
export interface HandoverEndedNotification extends NotificationBase {
  type: 'handover.ended';
  /** When it started, epoch ms. */
  since: number;
  /** The state the machine is in now; absent when it reached a final state. */
  state?: string;
  /** The event that ended it (`agent.resolved`, `agent.timeout`, `user.text`, …). */
  reason: string;
  /** Who resolved it, for `agent.resolved`. */
  agent?: string;
}

/** What chartbot tells agent tools (the agent webhook's JSON body). */
export type HandoverNotification = HandoverStartedNotification | HandoverMessageNotification | HandoverEndedNotification;

/** A notification waiting for one destination (a sink), kept on the contact record until delivered. */
export interface AgentOutboxEntry {
  /** Same id for every sink of one notification (it is the notification's id). */
  id: string;
  /** The sink's name (`webhook`, `chatwoot`). */
  sink: string;
  notification: HandoverNotification;
}

/** What a sink keeps per contact between notifications (Chatwoot: its conversation id); JSON values only. */
export type SinkState = Record<string, string | number | boolean>;
