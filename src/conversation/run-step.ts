import { createActor, type AnyActorRef, type AnyStateMachine, type EventObject, type InspectionEvent } from 'xstate';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { PendingTimer } from '../store/contact-record.ts';
import type { FlowInput } from './define-flow.ts';
import { collectReplies } from './reply.ts';

export interface StepInput {
  machine: AnyStateMachine;
  /** Persisted snapshot to restore; undefined starts the machine fresh. */
  snapshot: unknown;
  /** Timers pending for this contact (without the one being fired, if any). */
  timers: PendingTimer[];
  /** The event to deliver; undefined only starts/restores. */
  event?: EventObject;
  input: FlowInput;
  now: number;
  /** Passed to xstate's `createActor` (chartbot/testing uses it to record coverage). */
  inspect?: (event: InspectionEvent) => void;
}

export type StepResult =
  | {
      ok: true;
      /** Persisted snapshot after the step; undefined when the machine reached a final state. */
      snapshot: unknown;
      timers: PendingTimer[];
      replies: OutboundMessage[];
      done: boolean;
    }
  | { ok: false; error: unknown; phase: 'restore' | 'transition' };

/**
 * xstate schedules delayed events on a clock. During a step nothing should fire by itself: the
 * runtime persists pending timers and fires them later (also after a restart), so the actor gets a
 * clock whose timers never run.
 */
const inertClock = { setTimeout: () => 0, clearTimeout: () => {} };

interface ScheduledEvent {
  source: AnyActorRef;
  target: AnyActorRef;
  event: EventObject;
  delay: number;
  id: string;
}

function scheduledEvents(actor: AnyActorRef): ScheduledEvent[] {
  const snapshot = actor.system.getSnapshot() as { _scheduledEvents: Record<string, ScheduledEvent> };
  return Object.values(snapshot._scheduledEvents);
}

/**
 * One step of a contact's conversation: restore the actor from its snapshot, re-arm its pending
 * timers (so leaving a state cancels them as xstate would), deliver the event, collect the
 * `reply()` actions, and read back the new snapshot and timers. The actor lives only for the step,
 * so idle contacts cost no memory.
 */
export function runStep(step: StepInput): StepResult {
  const replies: OutboundMessage[] = [];
  let failure: unknown;
  let failed = false;
  let actor: AnyActorRef;
  try {
    actor = createActor(step.machine, {
      ...(step.snapshot === undefined ? {} : { snapshot: step.snapshot as never }),
      input: step.input,
      clock: inertClock,
      ...(step.inspect ? { inspect: step.inspect } : {}),
    });
  } catch (error) {
    return { ok: false, error, phase: 'restore' };
  }
  collectReplies(actor.system, (message) => replies.push(message));
  actor.subscribe({
    error: (error) => {
      failed = true;
      failure = error;
    },
  });

  const armed = new Map<string, { scheduled: ScheduledEvent; fireAt: number }>();
  try {
    actor.start();
    if (failed) return { ok: false, error: failure, phase: step.snapshot === undefined ? 'transition' : 'restore' };
    for (const timer of step.timers) {
      actor.system.scheduler.schedule(actor, actor, timer.event, Math.max(0, timer.fireAt - step.now), timer.id);
    }
    for (const scheduled of scheduledEvents(actor)) {
      const timer = step.timers.find((t) => t.id === scheduled.id);
      if (timer) armed.set(scheduled.id, { scheduled, fireAt: timer.fireAt });
    }
    if (step.event) actor.send(step.event);
  } catch (error) {
    failed = true;
    failure = error;
  }
  if (failed) {
    actor.stop();
    return { ok: false, error: failure, phase: 'transition' };
  }

  const snapshot = actor.getSnapshot() as { status: string };
  const done = snapshot.status === 'done';
  const timers: PendingTimer[] = [];
  if (!done) {
    for (const scheduled of scheduledEvents(actor)) {
      if (scheduled.source !== actor || scheduled.target !== actor) continue; // child actors' timers are not persisted
      const previous = armed.get(scheduled.id);
      // Same object as re-armed: still the old timer. A new object: scheduled (again) during this step.
      const fireAt = previous?.scheduled === scheduled ? previous.fireAt : step.now + scheduled.delay;
      timers.push({ id: scheduled.id, event: scheduled.event as PendingTimer['event'], fireAt });
    }
  }
  const persisted = done ? undefined : actor.getPersistedSnapshot();
  actor.stop();
  return { ok: true, snapshot: persisted, timers, replies, done };
}
