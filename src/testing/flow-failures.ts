import type { StepReport } from '../conversation/runtime-events.ts';
import { indent } from './conversation-log.ts';
import { stateLabelOf } from './state-paths.ts';

/**
 * What a test bot does when the flow fails on an event (an action throws, a reply builder refuses
 * its input, an eventless loop exceeds the microstep budget, a service times out):
 * - `'reject'` (default): the action (`send`, `tap`, `advance`, …) rejects with a `FlowStepError`,
 *   so a test of a broken flow fails, and says where;
 * - `'park'`: the action resolves as in production, where the message is parked for a retry and the
 *   contact keeps its last good state; use it to test that behaviour itself.
 */
export type FlowErrorMode = 'reject' | 'park';

function describeCause(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** One failed step as a line: `flow "pizza" failed in state "choosing" on user.button: Error: …`. */
export function describeFailure(report: StepReport): string {
  return `flow "${report.flow}" failed in state "${stateLabelOf(report.before)}" on ${report.eventType}: ${describeCause(report.error)}`;
}

/**
 * An action of a test (a user message, a status, a notification, a time jump) made the flow fail.
 * `flow`, `state` (before the event), `event` (its type) and `cause` (what the flow threw) describe
 * the first failure; `failures` holds every step report that failed during the action.
 */
export class FlowStepError extends Error {
  override readonly name = 'FlowStepError';
  readonly flow: string;
  readonly state: string;
  readonly event: string;
  readonly failures: readonly StepReport[];

  constructor(action: string, failures: readonly StepReport[], transcript: string) {
    const first = failures[0] as StepReport;
    const lines = failures.map(describeFailure);
    const kept = `the contact stays in state "${stateLabelOf(first.before)}"${first.eventType.startsWith('user.') ? ' (in production the message is parked for a retry)' : ''}`;
    super(
      `after "${action}": ${lines.join('\n')}\n${kept}; to test that behaviour, create the bot with flowErrors: 'park'` +
        `\n\nWhole conversation so far:\n${indent(transcript || '(nothing yet)')}`,
      { cause: first.error },
    );
    this.flow = first.flow;
    this.state = stateLabelOf(first.before);
    this.event = first.eventType;
    this.failures = failures;
  }
}

/** Collects the failed steps of a test bot and turns those of an action into its rejection. */
export class FlowFailures {
  private readonly failed: StepReport[] = [];

  constructor(readonly mode: FlowErrorMode) {}

  /** Feed it the runtime's `step` reports. */
  record(report: StepReport): void {
    if (report.error !== undefined) this.failed.push(report);
  }

  /**
   * Runs `work`; then, in `'reject'` mode, throws a FlowStepError if a step failed meanwhile (for
   * the contact `key`, or for any contact when no key is given, as for a time jump).
   */
  async watch<T>(action: string, work: () => Promise<T>, transcript: () => string, key?: string): Promise<T> {
    const mark = this.failed.length;
    const result = await work();
    const failures = this.failed.slice(mark).filter((report) => key === undefined || report.key === key);
    if (failures.length > 0 && this.mode === 'reject') throw new FlowStepError(action, failures, transcript());
    return result;
  }
}
