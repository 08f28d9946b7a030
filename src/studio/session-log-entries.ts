import type { StateValue } from 'xstate';
import { formatDuration } from '../testing/duration.ts';
import { stateLabel } from '../testing/state-paths.ts';
import { contextChanges } from './context-diff.ts';
import { graphIndex } from './graph-index.ts';
import type { StudioInput } from './inputs.ts';
import type { ContactSpec } from './session-slots.ts';
import type { StepRecord } from './step-recorder.ts';
import type { LogEntryView } from './view-types.ts';

/**
 * The log entry of one step of a contact's machine. `loggedError` is the last error the runtime
 * logged for the contact: why a step without a final snapshot failed.
 */
export function stepEntryView(step: StepRecord, spec: ContactSpec, id: number, loggedError: string | undefined): LogEntryView {
  const index = graphIndex(step.machine);
  const thrown = step.error ?? (step.after === undefined ? (loggedError ?? 'the step failed') : undefined);
  const error = thrown === undefined ? undefined : thrown instanceof Error ? thrown.message : String(thrown);
  return {
    id,
    contact: spec.key,
    contactName: spec.name,
    at: step.at,
    title: stepTitle(step, index.byEvent.get(step.event.type)?.label),
    event: step.event.type,
    ...(step.before === undefined ? {} : { before: stateLabel(step.before) }),
    ...(step.after === undefined || error ? {} : { after: stateLabel(step.after as StateValue) }),
    transitions: step.transitions.flatMap((t) => index.byDefinition.get(t)?.key ?? []),
    contextChanges: error ? [] : contextChanges(step.beforeContext, step.afterContext),
    replies: [],
    ...(error ? { error } : {}),
  };
}

function stepTitle(step: StepRecord, timerLabel: string | undefined): string {
  const event = step.event as { type: string } & Record<string, unknown>;
  if (timerLabel) return timerLabel;
  switch (event.type) {
    case 'user.text':
      return `user.text "${String(event.text)}"`;
    case 'user.button':
    case 'user.list':
      return `${event.type} "${String(event.title)}"`;
    case 'user.flow':
      return `user.flow ${JSON.stringify(event.response)}`;
    case 'user.reaction':
      return `user.reaction ${String(event.emoji) || '(removed)'}`;
    case 'user.media':
      return `user.media ${String(event.kind)}`;
    case 'bot.failed':
      return `bot.failed #${String(event.code)} ${String(event.title)}`;
    default:
      return event.type;
  }
}

/** A log entry for an input no machine saw: a status that changed nothing, a wait with no timer due. */
export function quietEntryView(input: StudioInput, spec: ContactSpec | undefined, id: number, at: number): LogEntryView {
  const title =
    input.kind === 'advance'
      ? `wait ${formatDuration(input.ms)} (no timer due)`
      : input.kind === 'status'
        ? `status ${input.status} of bot message ${input.target + 1}`
        : input.kind === 'event'
          ? `event ${input.event.type}`
          : `user ${input.verb}`;
  return {
    id,
    ...(spec ? { contact: spec.key, contactName: spec.name } : {}),
    at,
    title,
    transitions: [],
    contextChanges: [],
    replies: [],
  };
}
