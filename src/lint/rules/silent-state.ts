import type { AnyStateNode } from 'xstate';
import { HANDOVER_TAG } from '../../handover/handover-record.ts';
import type { LintRule } from '../rule.ts';
import { ancestorsOf, alongsideOf, describeDescriptor, edgesOf } from '../machine-walk.ts';
import { isDeadEnd } from './dead-end.ts';

/** Descriptors that catch a typed message. */
const CATCHES_TEXT = new Set(['user.text', 'user.*', '*']);

const handlesText = (node: AnyStateNode): boolean => [...node.transitions.keys()].some((descriptor) => CATCHES_TEXT.has(descriptor));

/**
 * Whether the machine rests in this leaf state waiting for the next event: not when an unguarded
 * `always` leaves it at once, nor when it invokes a service (the runtime awaits the service in the
 * same step, and its `onDone` moves on).
 */
function waitsForUser(node: AnyStateNode): boolean {
  if (node.type !== 'atomic') return false;
  if ((node.config as { invoke?: unknown }).invoke !== undefined) return false;
  return ![node, ...ancestorsOf(node)].some((state) => (state.always ?? []).some((t) => t.guard === undefined));
}

/**
 * `silent-state`: a state that waits for the user where nothing (the state, a parent, a wildcard,
 * another region of a parallel parent) handles `user.text`: a user who types gets silence. States
 * in a hand-over (tagged `handover`) are exempt: people answer there.
 */
export const silentState: LintRule = {
  id: 'silent-state',
  check({ states, reached }) {
    return states
      .filter((node) => reached.has(node) && waitsForUser(node) && !isDeadEnd(node)) // a dead end is reported as such
      // A state tagged `handover` (or inside one) belongs to people: the bot's silence is the point.
      .filter((node) => ![node, ...ancestorsOf(node)].some((state) => state.tags.includes(HANDOVER_TAG)))
      // In a parallel state, another region may be the one that answers.
      .filter((node) => ![node, ...ancestorsOf(node), ...alongsideOf(node)].some(handlesText))
      .map((node) => {
        const handled = [
          ...new Set(
            [node, ...ancestorsOf(node)]
              .flatMap(edgesOf)
              .filter((edge) => edge.delay !== undefined || !edge.descriptor.startsWith('xstate.'))
              .map(describeDescriptor),
          ),
        ];
        return {
          node,
          message:
            `waits for the user, but neither it nor a parent state handles user.text ` +
            `(handled here: ${handled.length ? handled.join(', ') : 'nothing'}): a user who types gets no answer. ` +
            `Handle 'user.text' (or 'user.*'), or allow 'silent-state' in the state's meta if the silence is meant`,
        };
      });
  },
};
