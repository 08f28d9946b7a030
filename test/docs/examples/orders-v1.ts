import { assign, setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

export default defineFlow({
  name: 'orders',
  machine: setup({
    types: { context: {} as { orderId: string }, events: {} as ChartbotEvent },
    delays: { nudge: 30 * 60 * 1000 },
  }).createMachine({
    id: 'orders',
    context: { orderId: '' },
    initial: 'askOrder',
    states: {
      askOrder: {
        on: { 'user.text': { target: 'lookup', actions: assign({ orderId: ({ event }) => event.text }) } },
      },
      lookup: {
        entry: reply(({ context }) => `Looking up order ${context.orderId}…`),
        after: { nudge: { actions: reply('Still there? Write anything to continue.') } },
        on: { 'user.text': { target: 'askOrder', actions: reply('Which order next?') } },
      },
    },
  }),
});
