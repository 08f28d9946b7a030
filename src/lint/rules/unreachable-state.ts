import type { LintRule } from '../rule.ts';

/** `unreachable-state`: no transition, initial state or history reaches the state (reported once, at its outermost state). */
export const unreachableState: LintRule = {
  id: 'unreachable-state',
  check({ states, reached }) {
    return states
      .filter((node) => node.type !== 'history' && !reached.has(node) && (!node.parent || reached.has(node.parent)))
      .map((node) => {
        const inner = states.filter((other) => other !== node && other.path.length > node.path.length && node.path.every((key, i) => other.path[i] === key)).length;
        return {
          node,
          message:
            `no transition, initial state or history leads here${inner ? ` (nor to its ${inner} inner state${inner === 1 ? '' : 's'})` : ''}: ` +
            'target it from another state, or remove it',
        };
      });
  },
};
