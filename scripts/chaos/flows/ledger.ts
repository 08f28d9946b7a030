import { assign, setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from '../../../src/index.ts';

/**
 * The chaos test's flow: every text is appended to the contact's ledger (so the final state shows
 * which messages reached the machine, how often and in which order) and acknowledged with one reply
 * naming it (so the mock provider shows which decided replies were sent, and how often). Each text
 * also (re)arms a 300 ms timer whose reply names the last text: after the load, every contact's last
 * message must be followed by its tick, kills notwithstanding (timers survive). Each tick is also
 * appended to `ticks`, so the final state shows whether a timer fired twice (a repeated tick reply
 * alone may be a send repeated after a kill).
 */
const machine = setup({
  types: { context: {} as { ledger: string[]; ticks: string[] }, events: {} as ChartbotEvent },
}).createMachine({
  id: 'ledger',
  context: { ledger: [], ticks: [] },
  initial: 'idle',
  states: {
    idle: {},
    waiting: {
      after: {
        300: {
          target: 'idle',
          actions: [assign({ ticks: ({ context }) => [...context.ticks, context.ledger.at(-1) ?? ''] }), reply(({ context }) => `tick ${context.ledger.at(-1) ?? ''}`)],
        },
      },
    },
  },
  on: {
    'user.text': {
      target: '.waiting',
      reenter: true,
      actions: [assign({ ledger: ({ context, event }) => [...context.ledger, event.text] }), reply(({ event }) => `ok ${event.text}`)],
    },
  },
});

export default defineFlow({ name: 'ledger', machine });
