import type { DeliveryStatus } from '../messages/status-update.ts';
import type { WhatsAppError } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { AgentAction, AgentOutboxEntry, HandoverInfo, SinkState } from '../handover/handover-record.ts';
import type { HistoryEntry } from '../observability/contact-history.ts';

/** A delayed event (`after`, or `raise`/`sendTo` with a delay) waiting to fire for one contact. */
export interface PendingTimer {
  /** xstate's id for the scheduled event (for `after`: the `xstate.after.…` event type). */
  id: string;
  event: { type: string } & Record<string, unknown>;
  /** When it fires, epoch milliseconds. */
  fireAt: number;
}

/** What we know about one message we sent. */
export interface OutboundRecord {
  status: DeliveryStatus;
  /** Epoch ms of the status that set `status`. */
  at: number;
  type: string;
  errors?: WhatsAppError[];
}

/**
 * A reply a transition decided, saved in the same atomic write as the snapshot that decided it and
 * removed in the save right after the provider answered: a crash in between cannot lose it.
 */
export interface OutboxEntry {
  /** Unique id of the entry (matches the sent log after a crash). */
  id: string;
  message: OutboundMessage;
  /** Epoch ms of the step that decided it. */
  decidedAt: number;
  /** Decided in reaction to `bot.failed`: a failure to send it is not reported again (no loops). */
  causedByFailure?: boolean;
  /** Failed attempts so far (absent before the first failure). */
  attempts?: number;
  /** Not before this time (epoch ms): the next attempt after a retryable failure. */
  nextAttemptAt?: number;
  /** The last retryable failure, for the admin API and logs. */
  lastError?: { code: number; title: string };
  /** Put back by `POST /api/parked/{id}/retry`: the parked entry's id (given up again → parked again). */
  retriedFromParked?: string;
  /** Written by a person during a hand-over (the agent's name), not decided by the machine. */
  agent?: string;
}

/**
 * Everything chartbot keeps for one contact of one business number, in its own small JSON
 * document, so persisting a change costs in proportion to this contact only.
 */
export interface ContactRecord {
  /** `{businessNumberId}:{waId}`. */
  key: string;
  businessNumberId: string;
  waId: string;
  /** Name of the flow the snapshot belongs to. */
  flow?: string;
  /**
   * The version of that flow (`defineFlow({ version })`) the snapshot was written with; absent in
   * records saved before flows had versions, which count as version 1.
   */
  flowVersion?: number;
  /** xstate persisted snapshot; absent before the first message and after a final state. */
  snapshot?: unknown;
  timers: PendingTimer[];
  /** Inbound message ids already handled → when (epoch ms). Re-deliveries are recognised here. */
  seen: Record<string, number>;
  /** Our outbound message ids → delivery status (bounded to the most recent ones). */
  outbound: Record<string, OutboundRecord>;
  /** Replies decided but not yet confirmed by the provider, oldest first (absent when empty). */
  outbox?: OutboxEntry[];
  /** Last time the user wrote to us (opens the 24-hour window), epoch ms. */
  lastInboundAt?: number;
  /** Set while the machine is in a state tagged `handover` (see src/handover). */
  handover?: HandoverInfo;
  /** Notifications for agent tools not yet delivered, oldest first, per sink (absent when empty). */
  agentOutbox?: AgentOutboxEntry[];
  /** What each agent sink keeps for this contact (e.g. its Chatwoot conversation), by sink name. */
  sinkState?: Record<string, SinkState>;
  /**
   * Several instances on Redis: per sink, the failures so far and when its next attempt is due, for
   * notifications delivered in the contact's turn (absent when none failed).
   */
  agentRetry?: Record<string, { attempts: number; nextAttemptAt: number }>;
  /** Agent messages, resolves and hand-over timeouts, most recent last (bounded). */
  agentLog?: AgentAction[];
  /** The last steps and agent actions, oldest first, bounded (src/observability/contact-history.ts). */
  history?: HistoryEntry[];
  updatedAt: number;
}

/** The key of a contact in the store: business number id and WhatsApp id. */
export function contactKey(businessNumberId: string, waId: string): string {
  return `${businessNumberId}:${waId}`;
}

export function emptyRecord(businessNumberId: string, waId: string): ContactRecord {
  return {
    key: contactKey(businessNumberId, waId),
    businessNumberId,
    waId,
    timers: [],
    // Keyed by ids from the wire: no prototype (see record-history.ts).
    seen: Object.create(null) as Record<string, number>,
    outbound: Object.create(null) as Record<string, OutboundRecord>,
    updatedAt: 0,
  };
}

/**
 * Whether the hand-over part of chartbot must look at this contact after a restart: in a hand-over
 * (its start time) or with notifications for agents not delivered yet (0). Stores index it.
 */
export function handoverMark(record: Pick<ContactRecord, 'handover' | 'agentOutbox'>): number | undefined {
  return record.handover?.since ?? (record.agentOutbox?.length ? 0 : undefined);
}

/** Earliest pending timer, or undefined. */
export function nextFireAt(record: Pick<ContactRecord, 'timers'>): number | undefined {
  let next: number | undefined;
  for (const timer of record.timers) if (next === undefined || timer.fireAt < next) next = timer.fireAt;
  return next;
}
