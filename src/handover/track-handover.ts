import { randomUUID } from 'node:crypto';
import type { EventObject, StateValue } from 'xstate';
import type { Flow } from '../conversation/define-flow.ts';
import { stateLabel } from '../conversation/state-paths.ts';
import type { AgentTimeoutEvent, UserEvent } from '../messages/inbound-events.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import {
  HANDOVER_TAG,
  HANDOVER_TIMEOUT_ID,
  type AgentAction,
  type HandoverNotification,
  type HandoverStartedNotification,
} from './handover-record.ts';

/** Most notifications one contact keeps for its agent tools while they cannot be delivered. */
export const MAX_PENDING_NOTIFICATIONS = 500;
/** Agent actions kept per contact (most recent). */
export const AGENT_LOG_LENGTH = 100;

export interface TrackedStep {
  flow: Flow;
  event: EventObject;
  now: number;
  /** Tags of the state the machine is in after the step; undefined when the flow failed (no move). */
  tags: readonly string[] | undefined;
}

const isUserEvent = (event: EventObject): event is UserEvent => event.type.startsWith('user.');

/**
 * Keeps the contact record in line with the machine after a step (before its one save): a step
 * that entered a state tagged `handover` starts a hand-over (record, notification, `agent.timeout`
 * timer); a step during one notes the user's message for the agents; a step that left it ends it.
 * Notifications are queued once per sink in `agentOutbox`, so they are saved with the state that
 * caused them. Returns the notifications of this step, and how many old ones were dropped (over the
 * bound while the sinks failed).
 */
export function trackHandover(record: ContactRecord, step: TrackedStep, sinks: readonly string[]): { notifications: HandoverNotification[]; dropped: number } {
  const { event, now, flow } = step;
  const was = record.handover;
  // A failed step left the state as it was; the user's message still reaches the agents.
  const inHandover = step.tags === undefined ? was !== undefined : step.tags.includes(HANDOVER_TAG);
  const value = (record.snapshot as { value?: StateValue } | undefined)?.value;
  const state = value === undefined ? undefined : stateLabel(value);
  const base = { businessNumberId: record.businessNumberId, waId: record.waId, at: now };
  const queued: HandoverNotification[] = [];
  const name = isUserEvent(event) ? event.contact.name : undefined;

  if (!was && inHandover) {
    record.handover = { since: now, state: state ?? '', lastMessageAt: now, agents: [], ...(name ? { name } : {}) };
    const started: HandoverStartedNotification = {
      type: 'handover.started',
      id: randomUUID(),
      ...base,
      ...(name ? { name } : {}),
      flow: flow.name,
      state: state ?? '',
      trigger: event.type,
    };
    queued.push(started);
    const timeoutMs = flow.handover?.timeoutMs;
    if (timeoutMs !== undefined) {
      const timeout: AgentTimeoutEvent = {
        type: 'agent.timeout',
        since: now,
        timeoutMs,
        contact: { waId: record.waId },
        businessNumberId: record.businessNumberId,
        timestamp: now + timeoutMs,
      };
      record.timers = [...withoutTimeout(record.timers), { id: HANDOVER_TIMEOUT_ID, event: { ...timeout }, fireAt: now + timeoutMs }];
    }
  } else if (was) {
    if (isUserEvent(event)) {
      was.lastMessageAt = now;
      if (name) was.name = name;
      queued.push({ type: 'handover.message', id: randomUUID(), ...base, ...(was.name ? { name: was.name } : {}), event });
    }
    if (event.type === 'agent.message') {
      const agent = (event as { agent?: unknown }).agent;
      if (typeof agent === 'string' && !was.agents.includes(agent)) was.agents.push(agent);
      was.lastAgentAt = now;
      // Someone answered: the timeout only covers the wait for the first answer.
      record.timers = withoutTimeout(record.timers);
    }
    if (event.type === 'agent.timeout') logAgentAction(record, { kind: 'timeout', at: now });
    if (inHandover) {
      was.state = state ?? was.state;
    } else {
      const agent = event.type === 'agent.resolved' ? (event as { agent?: unknown }).agent : undefined;
      const ended: HandoverNotification = {
        type: 'handover.ended',
        id: randomUUID(),
        ...base,
        since: was.since,
        ...(state === undefined ? {} : { state }),
        reason: event.type,
        ...(typeof agent === 'string' ? { agent } : {}),
      };
      queued.push(ended);
      delete record.handover;
      record.timers = withoutTimeout(record.timers);
    }
  }

  let dropped = 0;
  if (queued.length > 0 && sinks.length > 0) {
    const entries = queued.flatMap((notification) => sinks.map((sink) => ({ id: notification.id, sink, notification })));
    const all = [...(record.agentOutbox ?? []), ...entries];
    const limit = MAX_PENDING_NOTIFICATIONS * sinks.length;
    dropped = Math.max(0, all.length - limit);
    record.agentOutbox = all.slice(dropped);
  }
  return { notifications: queued, dropped };
}

/** Records an agent's action on the contact (bounded, most recent last). */
export function logAgentAction(record: ContactRecord, action: AgentAction): void {
  record.agentLog = [...(record.agentLog ?? []), action].slice(-AGENT_LOG_LENGTH);
}

function withoutTimeout<T extends { id: string }>(timers: T[]): T[] {
  return timers.filter((timer) => timer.id !== HANDOVER_TIMEOUT_ID);
}
