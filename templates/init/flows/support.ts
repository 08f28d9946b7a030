/**
 * A small support bot: a menu with reply buttons, an answer, a hand-over to a person (the bot
 * stays silent until the user writes "bot"), and a reminder when the user goes quiet.
 */
import { setup } from 'xstate';
import { buttons, defineFlow, reply, type ChartbotEvent, type FlowInput } from 'chartbot';

const menu = (name: string) =>
  buttons(`Hi ${name}! How can we help you?`, [
    { id: 'hours', title: 'Opening hours' },
    { id: 'human', title: 'Talk to a person' },
  ]);

const machine = setup({
  types: {
    context: {} as { name: string },
    events: {} as ChartbotEvent,
    input: {} as FlowInput,
  },
  delays: { idle: 10 * 60 * 1000 },
}).createMachine({
  id: 'support',
  context: ({ input }) => ({ name: input.contact.name ?? 'there' }),
  initial: 'start',
  states: {
    start: {
      on: { 'user.*': { target: 'menu', actions: reply(({ context }) => menu(context.name)) } },
    },
    menu: {
      on: {
        'user.button': [
          {
            guard: ({ event }) => event.id === 'hours',
            target: 'menu',
            reenter: true,
            actions: reply(({ context }) => ['We answer Monday to Friday, 9:00 to 18:00.', menu(context.name)]),
          },
          {
            guard: ({ event }) => event.id === 'human',
            target: 'handover',
            actions: reply('A person from our team will answer you here shortly. Write "bot" to come back to the menu.'),
          },
        ],
        'user.*': { target: 'menu', reenter: true, actions: reply(({ context }) => menu(context.name)) },
      },
      // No answer for 10 minutes: one reminder, then the conversation ends.
      after: { idle: { target: 'quiet', actions: reply('Are you still there? Write anything to see the menu again.') } },
    },
    quiet: {
      on: { 'user.*': { target: 'menu', actions: reply(({ context }) => menu(context.name)) } },
      after: { idle: { target: 'done' } },
    },
    handover: {
      tags: ['handover'],
      on: {
        'user.text': {
          guard: ({ event }) => event.text.trim().toLowerCase() === 'bot',
          target: 'menu',
          actions: reply(({ context }) => menu(context.name)),
        },
      },
    },
    done: { type: 'final' },
  },
});

export default defineFlow({ name: 'support', machine });
