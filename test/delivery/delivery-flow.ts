import { assign, setup } from 'xstate';
import type { Flow } from '../../src/conversation/define-flow.ts';
import { reply } from '../../src/conversation/reply.ts';
import { windowIsOpen } from '../../src/delivery/window-guard.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { template } from '../../src/messages/template-builders.ts';

type ProactiveEvent = { type: 'api.ping' } | { type: 'api.freeform' };

/**
 * A flow for delivery tests: `user.text` "burst N" answers N numbered texts, any other text is
 * echoed; `bot.failed` is remembered and answered (so a test sees it reached the machine);
 * `api.ping` chooses free-form or a template with the `windowIsOpen` guard; `api.freeform` always
 * answers free-form (to hit the local 24-hour refusal).
 */
const machine = setup({
  types: {
    context: {} as { failures: Array<{ code: number; title: string; messageId?: string }> },
    events: {} as ChartbotEvent | ProactiveEvent,
  },
  guards: { windowIsOpen: () => windowIsOpen() },
}).createMachine({
  id: 'delivery',
  context: { failures: [] },
  initial: 'chatting',
  states: {
    chatting: {
      on: {
        'user.text': {
          actions: reply(({ event }) => {
            const burst = /^burst (\d+)$/.exec(event.text);
            if (!burst) return `echo: ${event.text}`;
            return Array.from({ length: Number(burst[1]) }, (_, i) => `#${i + 1}`);
          }),
        },
        'bot.failed': {
          actions: [
            assign({
              failures: ({ context, event }) => [
                ...context.failures,
                { code: event.code, title: event.title, ...(event.messageId ? { messageId: event.messageId } : {}) },
              ],
            }),
            reply(({ event }) => `failed ${event.code}`),
          ],
        },
        'api.ping': [
          { guard: 'windowIsOpen', actions: reply('Your order shipped (free-form).') },
          { actions: reply(template('order_shipped', 'en', { body: ['1042'] })) },
        ],
        'api.freeform': { actions: reply('Free-form after the window') },
      },
    },
  },
});

export const deliveryFlow: Flow = { name: 'delivery', machine };
