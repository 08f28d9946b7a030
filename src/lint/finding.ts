/** The rules of `chartbot lint`; their ids are a contract (`meta: { lint: { allow: [...] } }`, JSON output). */
export const LINT_RULES = {
  'silent-state': {
    severity: 'warning',
    description: 'a state that waits for the user has no answer for a typed message (user.text)',
  },
  'unreachable-state': { severity: 'error', description: 'no transition, initial state or history reaches the state' },
  'dead-end': { severity: 'error', description: 'a non-final state that nothing ever leaves: the conversation is stuck there' },
  'unknown-event': { severity: 'error', description: 'a transition on a user.*, bot.* or agent.* type that chartbot never sends' },
  'reply-limits': { severity: 'error', description: "a static reply that breaks WhatsApp's message limits" },
  'window-timer': {
    severity: 'warning',
    description: 'a free-form reply sent by a timer of 24 hours or more, when WhatsApp only delivers templates',
  },
} as const satisfies Record<string, { severity: LintSeverity; description: string }>;

/** A rule id (contract), or `load-error` for a flow file that does not load. */
export type LintRuleId = keyof typeof LINT_RULES;
/** How bad a lint finding is: an `error` fails `chartbot lint`, a `warning` only past `--max-warnings`. */
export type LintSeverity = 'error' | 'warning';

/** One problem found in a machine; `state` is the dotted path without the machine id (`''`: the flow as a whole). */
export interface StateFinding {
  state: string;
  rule: LintRuleId | 'load-error';
  severity: LintSeverity;
  message: string;
}

/** One problem found in a flow file, as `chartbot lint --format json` prints it. */
export interface LintFinding extends StateFinding {
  /** The flow file, relative to the working folder. */
  file: string;
  /** The flow's name (the file name when the file does not load). */
  flow: string;
}

export function isLintRuleId(value: unknown): value is LintRuleId {
  return typeof value === 'string' && Object.hasOwn(LINT_RULES, value);
}
