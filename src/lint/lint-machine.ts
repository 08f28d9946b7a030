import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { MessageLimitError } from '../messages/message-limit-error.ts';
import { LINT_RULES, type StateFinding } from './finding.ts';
import { allowedRules, pathOf, statesOf } from './machine-walk.ts';
import { reachableStates } from './reachability.ts';
import type { LintContext, LintRule } from './rule.ts';
import { deadEnd } from './rules/dead-end.ts';
import { replyLimits } from './rules/reply-limits.ts';
import { silentState } from './rules/silent-state.ts';
import { unknownEvent } from './rules/unknown-event.ts';
import { unreachableState } from './rules/unreachable-state.ts';
import { windowTimer } from './rules/window-timer.ts';

/** Every rule, in the order their findings are listed for one state. */
export const RULES: readonly LintRule[] = [unreachableState, deadEnd, silentState, unknownEvent, replyLimits, windowTimer];

/** Options of `lintMachine`: the file the machine came from, for the findings. */
export interface LintMachineOptions {
  /** Limit errors the builders deferred while the flow loaded (`collectLimitErrors`). */
  deferredLimitErrors?: readonly MessageLimitError[];
}

/**
 * Lints one machine definition: every rule of `RULES`, minus what each state allows in
 * `meta: { lint: { allow: [...] } }`. Findings come in state order (definition order, the flow
 * as a whole first), then rule order. Nothing is run: only the definition is read.
 */
export function lintMachine(machine: AnyStateMachine, options: LintMachineOptions = {}): StateFinding[] {
  const states = statesOf(machine);
  const context: LintContext = {
    machine,
    states,
    reached: reachableStates(machine),
    deferredLimitErrors: options.deferredLimitErrors ?? [],
  };
  const order = new Map<AnyStateNode, number>([[machine.root, -1], ...states.map((node, i): [AnyStateNode, number] => [node, i])]);
  const found: Array<StateFinding & { order: number; ruleOrder: number }> = [];
  RULES.forEach((rule, ruleOrder) => {
    for (const { node, message } of rule.check(context)) {
      if (allowedRules(node).has(rule.id)) continue;
      found.push({ state: pathOf(node), rule: rule.id, severity: LINT_RULES[rule.id].severity, message, order: order.get(node) ?? 0, ruleOrder });
    }
  });
  return found
    .sort((a, b) => a.order - b.order || a.ruleOrder - b.ruleOrder)
    .map(({ state, rule, severity, message }) => ({ state, rule, severity, message }));
}
