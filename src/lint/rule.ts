import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { MessageLimitError } from '../messages/message-limit-error.ts';
import type { LintRuleId } from './finding.ts';

/** What every rule sees of one flow. */
export interface LintContext {
  machine: AnyStateMachine;
  /** Every state below the root, parents first. */
  states: AnyStateNode[];
  /** The states some transition, initial state or history can enter (see reachability.ts). */
  reached: ReadonlySet<AnyStateNode>;
  /** Limit errors the builders deferred while the flow loaded (see limit-deferral.ts). */
  deferredLimitErrors: readonly MessageLimitError[];
}

/** A problem a rule found on one state (the root: the flow as a whole). */
export interface RuleReport {
  node: AnyStateNode;
  message: string;
}

export interface LintRule {
  id: LintRuleId;
  check(context: LintContext): RuleReport[];
}
