import type { LintRule } from '../rule.ts';
import { closestKnownType, isDeliverableDescriptor, knownTypesUnder } from '../known-events.ts';

/** `unknown-event`: a transition on a `user.*`, `bot.*` or `agent.*` type that chartbot never sends (a typo such as `user.txt`). */
export const unknownEvent: LintRule = {
  id: 'unknown-event',
  check({ machine, states }) {
    return [machine.root, ...states].flatMap((node) =>
      [...node.transitions.keys()]
        .filter((descriptor) => !isDeliverableDescriptor(descriptor))
        .map((descriptor) => {
          const guess = closestKnownType(descriptor);
          const prefix = descriptor.slice(0, descriptor.indexOf('.') + 1);
          return {
            node,
            message:
              `handles '${descriptor}', which chartbot never sends` +
              (guess ? `: did you mean '${guess}'?` : `; the ${prefix}* events are ${knownTypesUnder(prefix).join(', ')}`) +
              ' (events of your own, e.g. from notify(), need another prefix such as api.)',
          };
        }),
    );
  },
};
