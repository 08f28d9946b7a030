import type { LintRule, RuleReport } from '../rule.ts';
import { delayMs, enteredBy, repliesIn } from '../machine-walk.ts';
import { holdsFreeForm } from '../static-replies.ts';
import { CUSTOMER_SERVICE_WINDOW_MS } from '../../delivery/window.ts';
import { formatDuration } from '../../testing/duration.ts';

/**
 * `window-timer`: an `after` of 24 hours or more whose actions (on the transition, or on entering
 * its target) send a free-form reply. By then WhatsApp's customer-service window has closed, unless
 * the user wrote meanwhile, and only templates get through. A reply computed by a function is
 * reported too: lint cannot see whether it returns a template.
 */
export const windowTimer: LintRule = {
  id: 'window-timer',
  check({ machine, states }) {
    const reports: RuleReport[] = [];
    for (const node of states) {
      for (const transition of node.after) {
        const delay = (transition as { delay?: unknown }).delay;
        const ms = delayMs(machine, delay);
        if (ms === undefined || ms < CUSTOMER_SERVICE_WINDOW_MS) continue;
        const sites = [
          { where: 'the transition', actions: transition.actions },
          ...enteredBy(transition).map((entered) => ({ where: `entering ${entered.path.join('.')}`, actions: entered.entry })),
        ];
        for (const site of sites) {
          for (const info of repliesIn(machine, site.actions)) {
            if (!info.computed && !holdsFreeForm(info.content)) continue;
            const what = info.computed ? 'a reply computed by a function (unless it returns a template)' : 'a free-form reply';
            reports.push({
              node,
              message:
                `after ${typeof delay === 'number' ? formatDuration(ms) : `${String(delay)} (${formatDuration(ms)})`}, ${site.where} sends ${what}: ` +
                "WhatsApp refuses free-form messages 24 hours after the user's last message. Send a template (template(...)) instead",
            });
          }
        }
      }
    }
    return reports;
  },
};
