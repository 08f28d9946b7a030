import type { AnyActorLogic, AnyActorRef } from 'xstate';
import { beginStep, endStep, type LiveStep, type StepInput, type StepResult } from './run-step.ts';

/** The step waited longer than its service timeout for an invoked promise actor. */
export class ServiceTimeoutError extends Error {
  override readonly name = 'ServiceTimeoutError';
}

/** Default time a step waits for the promise actors (`fromPromise`) it started. */
export const DEFAULT_SERVICE_TIMEOUT_MS = 10_000;

/**
 * Whether `logic` is xstate's promise logic (`fromPromise`). xstate does not tag it, so we ask the
 * logic itself: only promise logic answers its resolve event with a done snapshot. The probe is a
 * pure transition on a throw-away snapshot; other logics ignore or reject it.
 */
function isPromiseLogic(logic: AnyActorLogic | undefined): boolean {
  if (!logic) return false;
  try {
    const probe = { status: 'active', output: undefined, error: undefined, input: undefined };
    const next = logic.transition(probe as never, { type: 'xstate.promise.resolve', data: undefined }, { self: {} } as never) as { status?: string };
    return next.status === 'done';
  } catch {
    return false;
  }
}

/** Promise actors still running anywhere in the actor's tree of children. */
function runningPromises(actor: AnyActorRef): AnyActorRef[] {
  const running: AnyActorRef[] = [];
  const children = (actor.getSnapshot() as { children?: Record<string, AnyActorRef | undefined> }).children ?? {};
  for (const child of Object.values(children)) {
    if (!child || (child.getSnapshot() as { status?: string }).status !== 'active') continue;
    if (isPromiseLogic((child as { logic?: AnyActorLogic }).logic)) running.push(child);
    else running.push(...runningPromises(child));
  }
  return running;
}

/**
 * Like `runStep`, but keeps the actor alive until the promise actors it invoked or spawned
 * (`fromPromise`) settle, so their `onDone`/`onError` transitions (and replies) happen within the
 * same step. A service still running after `timeoutMs` fails the step with `ServiceTimeoutError`
 * (its AbortSignal fires): the contact keeps its last good state. Other contacts are unaffected,
 * since awaiting yields the event loop and each contact has its own queue.
 */
export async function runStepAwaitingServices(step: StepInput, timeoutMs = DEFAULT_SERVICE_TIMEOUT_MS): Promise<StepResult> {
  const live = beginStep(step);
  if ('ok' in live) return live;
  if (!live.failure && runningPromises(live.actor).length > 0) await settle(live, timeoutMs);
  return endStep(live);
}

function settle(live: LiveStep, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = (): void => {
      // Inspection events fire synchronously inside xstate; re-check once it has finished.
      queueMicrotask(() => {
        if (live.failure || runningPromises(live.actor).length === 0) finish();
      });
    };
    const timer = setTimeout(() => {
      const names = runningPromises(live.actor).map((child) => child.id);
      live.failure ??= { error: new ServiceTimeoutError(`service ${names.join(', ')} did not settle within ${timeoutMs} ms`) };
      finish();
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      live.onActivity = undefined;
      resolve();
    };
    live.onActivity = check;
  });
}
