import { assign, setup } from 'xstate';
import { buttons, defineFlow, reply, type ChartbotEvent, type FlowInput } from 'chartbot';

const machine = setup({
  types: {
    context: {} as { name: string },
    events: {} as ChartbotEvent,
    input: {} as FlowInput,
  },
}).createMachine({
  id: 'greeter',
  context: ({ input }) => ({ name: input.contact.name ?? 'friend' }),
  initial: 'asking',
  states: {
    asking: {
      on: {
        'user.text': {
          target: 'choosing',
          actions: reply(({ context }) =>
            buttons(`Hello ${context.name}! Coffee or tea?`, [
              { id: 'coffee', title: 'Coffee' },
              { id: 'tea', title: 'Tea' },
            ]),
          ),
        },
      },
    },
    choosing: {
      on: {
        'user.button': {
          target: 'served',
          actions: [assign({ name: ({ event }) => event.title }), reply(({ event }) => `One ${event.title.toLowerCase()} coming up.`)],
        },
      },
      // No answer within 5 minutes: ask again (the timer survives restarts).
      after: { 300_000: { target: 'asking', actions: reply('Still thirsty? Say hi to start again.') } },
    },
    served: { type: 'final' },
  },
});

export default defineFlow({ name: 'greeter', machine });
