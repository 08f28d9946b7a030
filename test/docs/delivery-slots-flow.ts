import { assign, fromPromise, setup } from 'xstate';
import { closeFlow, defineFlow, flowInvitation, reply, screen, type ChartbotEvent } from 'chartbot';

/** Your own lookup (a database, an API): the step waits for it, within Meta's 10 seconds. */
const slotsFor = async (postcode: string) => (postcode.startsWith('1') ? ['Mon 9-12', 'Tue 14-18'] : ['Wed 9-12']);

const machine = setup({
  types: { context: {} as { postcode: string; slot?: string }, events: {} as ChartbotEvent },
  actors: { lookUpSlots: fromPromise(({ input }: { input: string }) => slotsFor(input)) },
}).createMachine({
  context: { postcode: '' },
  initial: 'idle',
  states: {
    idle: {
      on: {
        'user.text': {
          target: 'booking',
          actions: reply(flowInvitation({ body: 'When should we come?', cta: 'Pick a slot', flowId: '1234567892', endpoint: true })),
        },
      },
    },
    booking: {
      on: {
        'flow.exchange': [
          { guard: ({ event }) => event.action === 'INIT', actions: screen('POSTCODE') },
          {
            guard: ({ event }) => event.screen === 'POSTCODE',
            target: 'lookingUp',
            actions: assign({ postcode: ({ event }) => String(event.data.postcode ?? '') }),
          },
          {
            guard: ({ event }) => event.screen === 'SLOTS',
            target: 'booked',
            actions: [assign({ slot: ({ event }) => String(event.data.slot) }), closeFlow(({ event }) => ({ slot: event.data.slot }))],
          },
        ],
      },
    },
    lookingUp: {
      // The answer to the POSTCODE request comes from onDone, in the same step.
      invoke: {
        src: 'lookUpSlots',
        input: ({ context }) => context.postcode,
        onDone: { target: 'booking', actions: screen('SLOTS', ({ event }) => ({ slots: event.output })) },
      },
    },
    booked: { entry: reply(({ context }) => `See you ${context.slot}!`) },
  },
});

export default defineFlow({ name: 'delivery-slots', machine });
