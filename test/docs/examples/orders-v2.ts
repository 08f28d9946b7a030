import { assign, setup } from 'xstate';
import { composeMigrations, defaultContext, defineFlow, renameState, reply, type ChartbotEvent } from 'chartbot';

export default defineFlow({
  name: 'orders',
  // Version 2 renamed `lookup` to `tracking` and added `language` to the context.
  version: 2,
  migrate: {
    1: composeMigrations(renameState('lookup', 'tracking'), defaultContext({ language: 'en' })),
  },
  machine: setup({
    types: { context: {} as { orderId: string; language: string }, events: {} as ChartbotEvent },
    delays: { nudge: 30 * 60 * 1000 },
  }).createMachine({
    id: 'orders',
    context: { orderId: '', language: 'en' },
    initial: 'askOrder',
    states: {
      askOrder: {
        on: { 'user.text': { target: 'tracking', actions: assign({ orderId: ({ event }) => event.text }) } },
      },
      tracking: {
        entry: reply(({ context }) => `Tracking order ${context.orderId}…`),
        after: { nudge: { actions: reply(({ context }) => `Order ${context.orderId}: still there? (${context.language})`) } },
        on: { 'user.text': { target: 'askOrder', actions: reply('Which order next?') } },
      },
    },
  }),
});
