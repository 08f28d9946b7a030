import { assign, setup } from 'xstate';
import type { Flow } from '../../src/conversation/define-flow.ts';
import { reply } from '../../src/conversation/reply.ts';
import { closeFlow, screen } from '../../src/conversation/screen.ts';
import { flowInvitation } from '../../src/messages/builders.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';

/**
 * A flow for the Flows endpoint tests: "form" sends an endpoint Flow invitation; INIT opens ADDRESS,
 * ADDRESS goes to CONFIRM (postcode "boom" makes the machine throw), CONFIRM closes the Flow and the
 * conversation moves on; BACK returns to ADDRESS; flow.error is answered in the chat.
 */
const machine = setup({
  types: { context: {} as { postcode?: string; exchanges: number }, events: {} as ChartbotEvent },
}).createMachine({
  id: 'address',
  context: { exchanges: 0 },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'user.text': {
          target: 'inForm',
          actions: reply(flowInvitation({ body: 'Where should we deliver?', cta: 'Enter address', flowId: '1234', endpoint: true, flowToken: 'delivery' })),
        },
      },
    },
    inForm: {
      on: {
        'flow.exchange': [
          { guard: ({ event }) => event.action === 'INIT', actions: [assign({ exchanges: ({ context }) => context.exchanges + 1 }), screen('ADDRESS', ({ event }) => ({ tag: event.tag }))] },
          { guard: ({ event }) => event.action === 'BACK', actions: screen('ADDRESS', {}) },
          {
            guard: ({ event }) => event.screen === 'ADDRESS',
            actions: [
              assign({
                postcode: ({ event }) => {
                  if (event.data.postcode === 'boom') throw new Error('postcode service exploded');
                  return String(event.data.postcode);
                },
                exchanges: ({ context }) => context.exchanges + 1,
              }),
              screen('CONFIRM', ({ context }) => ({ postcode: context.postcode ?? '' })),
            ],
          },
          { guard: ({ event }) => event.screen === 'CONFIRM', target: 'ordered', actions: closeFlow(({ context }) => ({ postcode: context.postcode ?? '' })) },
        ],
        'flow.error': { actions: reply(({ event }) => `flow error ${event.error}`) },
      },
    },
    ordered: { entry: reply('Thanks, we will deliver there.') },
  },
});

export const addressFlow: Flow = { name: 'address', machine };
