import { createActor, type AnyActorRef, type AnyStateMachine, type EventObject, type InspectionEvent } from 'xstate';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { PendingTimer } from '../store/contact-record.ts';
import type { FlowInput } from './define-flow.ts';
import { collectReplies } from './reply.ts';
import { collectScreens, type FlowAnswer } from './screen.ts';

/** What one step of a contact's machine starts from: the flow, the saved snapshot and timers, and the event. */
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
  /** Most microsteps (transitions) one event may cause; more fails the step (default 1,000). */
  microstepBudget?: number;
}

/** What one step produced: the new snapshot, the replies it decided, and the timers now pending (or the error that stopped it). */
export type StepResult =
  | {
      ok: true;
      /** Persisted snapshot after the step; undefined when the machine reached a final state. */
      snapshot: unknown;
      timers: PendingTimer[];
      replies: OutboundMessage[];
      done: boolean;
      /** The event matched no transition in the state it arrived in: the machine did nothing with it. */
      unhandled?: boolean;
      /** Tags of the state the machine is in after the step (`handover` gives the conversation to people). */
      tags: string[];
      /** `screen()`/`closeFlow()` answers to a `flow.exchange`, in the order they ran. */
      screens?: FlowAnswer[];
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

/** Thrown into a step whose event caused more microsteps than its budget (an `always` or `raise` loop). */
export class StepBudgetError extends Error {
  override readonly name = 'StepBudgetError';
}

/**
 * Default cap on microsteps per event: far above any real flow. A loop blocks the event loop until
 * the cap: 11–40 ms at 1,000, 50–210 ms at 10,000 (bench/step-isolation.ts), so the default stays low.
 */
export const DEFAULT_MICROSTEP_BUDGET = 1_000;

/** A step whose actor is still alive (between delivering the event and reading back the result). */
export interface LiveStep {
  actor: AnyActorRef;
  /** Set when the actor failed (threw, errored, or exceeded its budget). */
  failure: { error: unknown } | undefined;
  /** Called on every inspection event, so an awaiting caller can re-check its children. */
  onActivity: (() => void) | undefined;
  /** The event matched no transition (see `StepResult.unhandled`). */
  unhandled: boolean;
  readonly replies: OutboundMessage[];
  readonly screens: FlowAnswer[];
  readonly armed: Map<string, { scheduled: ScheduledEvent; fireAt: number }>;
  readonly step: StepInput;
}

/**
 * Restores the actor, re-arms its timers and delivers the event, leaving the actor running.
 * Returns a failed result when the actor cannot even be restored or started.
 */
export function beginStep(step: StepInput): LiveStep | StepResult {
  const budget = step.microstepBudget ?? DEFAULT_MICROSTEP_BUDGET;
  let microsteps = 0;
  const live: Omit<LiveStep, 'actor'> & { actor?: AnyActorRef } = {
    failure: undefined,
    onActivity: undefined,
    unhandled: false,
    replies: [],
    screens: [],
    armed: new Map(),
    step,
  };
  // xstate's own loop guard (`options.maxIterations`) defaults to Infinity, and a loop would block
  // every contact; throwing from the inspector turns the loop into an error of this actor only.
  const inspect = (event: InspectionEvent): void => {
    step.inspect?.(event);
    live.onActivity?.();
    if (event.type === '@xstate.microstep' && ++microsteps > budget) {
      throw new StepBudgetError(`more than ${budget} transitions for one event: an eventless (always) or raise loop?`);
    }
  };
  let actor: AnyActorRef;
  try {
    actor = createActor(step.machine, {
      ...(step.snapshot === undefined ? {} : { snapshot: step.snapshot as never }),
      input: step.input,
      clock: inertClock,
      inspect,
    });
  } catch (error) {
    return { ok: false, error, phase: 'restore' };
  }
  live.actor = actor;
  collectReplies(actor.system, (message) => live.replies.push(message));
  collectScreens(actor.system, (answer) => live.screens.push(answer));
  actor.subscribe({ error: (error) => (live.failure ??= { error }) });

  try {
    actor.start();
    if (live.failure) {
      actor.stop();
      return { ok: false, error: live.failure.error, phase: step.snapshot === undefined ? 'transition' : 'restore' };
    }
    for (const timer of step.timers) {
      actor.system.scheduler.schedule(actor, actor, timer.event, Math.max(0, timer.fireAt - step.now), timer.id);
    }
    for (const scheduled of scheduledEvents(actor)) {
      const timer = step.timers.find((t) => t.id === scheduled.id);
      if (timer) live.armed.set(scheduled.id, { scheduled, fireAt: timer.fireAt });
    }
    if (step.event) {
      live.unhandled = !hasTransition(step.machine, actor, step.event);
      actor.send(step.event);
    }
  } catch (error) {
    live.failure ??= { error };
  }
  return live as LiveStep;
}

/** Reads back the snapshot, timers and replies of a live step, and stops its actor. */
export function endStep(live: LiveStep): StepResult {
  const { actor, step, armed, replies, screens } = live;
  if (live.failure) {
    actor.stop();
    return { ok: false, error: live.failure.error, phase: 'transition' };
  }
  const snapshot = actor.getSnapshot() as { status: string; tags: Set<string> };
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
  return { ok: true, snapshot: persisted, timers, replies, done, tags: [...snapshot.tags], ...(screens.length ? { screens } : {}), ...(live.unhandled ? { unhandled: true } : {}) };
}

/**
 * Whether `event` selects a transition in the actor's current state (any `on` for its type whose
 * guard passes, an empty `{}` included). Asked before sending: xstate's own selection, so guards
 * run once more here; flows' guards are pure functions of context and event, as xstate requires.
 */
function hasTransition(machine: AnyStateMachine, actor: AnyActorRef, event: EventObject): boolean {
  const snapshot = actor.getSnapshot() as Parameters<AnyStateMachine['getTransitionData']>[0] & { status: string };
  if (snapshot.status !== 'active') return false;
  try {
    return machine.getTransitionData(snapshot, event).length > 0;
  } catch {
    return true; // a guard that throws fails the send itself, which reports it
  }
}

/**
 * One step of a contact's conversation: restore the actor from its snapshot, re-arm its pending
 * timers (so leaving a state cancels them as xstate would), deliver the event, collect the
 * `reply()` actions, and read back the new snapshot and timers. The actor lives only for the step,
 * so idle contacts cost no memory. Synchronous: invoked promise actors do not get to finish here
 * (the runtime uses `runStepAwaitingServices`, which does).
 */
export function runStep(step: StepInput): StepResult {
  const live = beginStep(step);
  return 'ok' in live ? live : endStep(live);
}
