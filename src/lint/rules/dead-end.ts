import type { AnyStateNode } from 'xstate';
import type { LintRule } from '../rule.ts';
import { ancestorsOf, alongsideOf, edgesOf } from '../machine-walk.ts';

/**
 * Whether the state reacts to anything itself: a transition that goes somewhere or does something
 * (an empty `'user.order': {}` only swallows the event, so it does not count).
 */
const reacts = (state: AnyStateNode): boolean =>
  edgesOf(state).some(({ transition }) => (transition.target?.length ?? 0) > 0 || transition.actions.length > 0 || transition.reenter);

/**
 * A dead end: a non-final leaf state with no transition, no `after`, no `always`, no invoked
 * service, and no parent state (nor another region of a parallel parent) that handles anything:
 * whatever the user sends, the conversation stays there, without a word, forever.
 */
export function isDeadEnd(node: AnyStateNode): boolean {
  if (node.type !== 'atomic' || node.after.length > 0 || (node.always ?? []).length > 0 || node.invoke.length > 0) return false;
  // In a parallel state, another region that still reacts keeps the conversation going.
  return ![node, ...ancestorsOf(node), ...alongsideOf(node)].some(reacts);
}

/** `dead-end`: see `isDeadEnd`. */
export const deadEnd: LintRule = {
  id: 'dead-end',
  check({ states, reached }) {
    return states
      .filter((node) => reached.has(node) && isDeadEnd(node))
      .map((node) => ({
        node,
        message:
          'nothing happens in this state any more (no transition, no after, no always, no invoke, no handler in a parent state): ' +
          "conversations that get here are stuck for good. Add a way out, or make it type: 'final'",
      }));
  },
};
