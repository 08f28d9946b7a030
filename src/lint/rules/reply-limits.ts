import type { MessageLimitError } from '../../messages/message-limit-error.ts';
import type { LintRule, RuleReport } from '../rule.ts';
import { actionSitesOf, repliesIn } from '../machine-walk.ts';
import { limitErrorsOf } from '../static-replies.ts';

/** The builders' wording (field: limit (got value)), with a long value cut short for a one-line report. */
function describe(error: MessageLimitError): string {
  const value = JSON.stringify(error.value) ?? String(error.value);
  const shown = value.length > 60 ? `${value.slice(0, 40)}…" (${[...String(error.value)].length} characters)` : value;
  return `${error.field}: ${error.limit} (got ${shown})`;
}

/**
 * `reply-limits`: a static reply (a literal, or a builder called with literals) that breaks
 * WhatsApp's limits, worded as the builders word it at run time (field, limit, value). A builder
 * that failed while the flow loaded but is in no state's reply is reported on the flow as a whole:
 * without lint, that flow would not load at all.
 */
export const replyLimits: LintRule = {
  id: 'reply-limits',
  check({ machine, states, deferredLimitErrors }) {
    const reports: RuleReport[] = [];
    const placed = new Set<MessageLimitError>();
    for (const node of [machine.root, ...states]) {
      for (const site of actionSitesOf(node)) {
        for (const info of repliesIn(machine, site.actions)) {
          if (info.computed) continue;
          for (const error of limitErrorsOf(info.content)) {
            placed.add(error);
            reports.push({ node, message: `reply in ${site.where}: ${describe(error)}` });
          }
        }
      }
    }
    for (const error of deferredLimitErrors) {
      if (!placed.has(error)) reports.push({ node: machine.root, message: `a message built when the flow file loads: ${describe(error)}` });
    }
    return reports;
  },
};
