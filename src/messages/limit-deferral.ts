import { MessageLimitError } from './message-limit-error.ts';

/**
 * `chartbot lint` reports a builder called with literals that break WhatsApp's limits
 * (`reply(buttons('Pick', fourButtons))`) on the state whose reply it is. At run time such a call
 * throws while the flow module is evaluated, before any state exists to name. So while lint loads a
 * flow, the builders hand back a stand-in that carries the error instead of throwing, and lint finds
 * the stand-in in the state's reply. Everywhere else the builders throw exactly as before.
 *
 * The switch lives on `globalThis` under a registered symbol: a flow that imports `chartbot` and the
 * lint command must agree on it even if the package were evaluated twice.
 */
const DEFERRING = Symbol.for('chartbot.lint.deferredLimitErrors');
const CARRIES = Symbol.for('chartbot.lint.limitError');

type Holder = { [DEFERRING]?: MessageLimitError[] };
const holder = globalThis as Holder;

/**
 * Wraps a builder: it throws as before, except while `collectLimitErrors` runs, when a
 * `MessageLimitError` becomes `standIn()` marked with the error.
 */
export function deferrable<A extends unknown[], R extends object>(build: (...args: A) => R, standIn: () => R): (...args: A) => R {
  const wrapped = (...args: A): R => {
    try {
      return build(...args);
    } catch (error) {
      const collected = holder[DEFERRING];
      if (!collected || !(error instanceof MessageLimitError)) throw error;
      collected.push(error);
      return Object.defineProperty(standIn(), CARRIES, { value: error, enumerable: false });
    }
  };
  // Keeps `text`, `buttons`, … as the builders' names in stack traces.
  return Object.defineProperty(wrapped, 'name', { value: build.name });
}

/** The error a stand-in carries, or undefined for a real message (or anything else). */
export function deferredLimitError(value: unknown): MessageLimitError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { [CARRIES]?: unknown })[CARRIES];
  return error instanceof MessageLimitError ? error : undefined;
}

/**
 * Runs `load` (a flow module's import) with the builders deferring their limit errors; resolves
 * with what it returned and every error deferred meanwhile. Loads must not overlap (lint loads
 * flows one at a time), or their errors would mix.
 */
export async function collectLimitErrors<T>(load: () => Promise<T>): Promise<{ value: T; errors: MessageLimitError[] }> {
  if (holder[DEFERRING]) throw new Error('collectLimitErrors: another flow is being loaded for lint; load one at a time');
  const errors: MessageLimitError[] = [];
  holder[DEFERRING] = errors;
  try {
    return { value: await load(), errors };
  } finally {
    delete holder[DEFERRING];
  }
}
