import { setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

const desk = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  id: 'desk',
  initial: 'bot',
  states: {
    bot: {
      on: { 'user.text': { guard: ({ event }) => /human|person/i.test(event.text), target: 'people' } },
    },
    // Tagged `handover`: agents answer here. The machine still gets every user.* event.
    people: {
      tags: ['handover'],
      entry: reply('A person will answer you here.'),
      on: {
        'agent.message': { actions: reply('(Sam is typing from our office.)') }, // optional: chartbot already sent what Sam wrote
        'agent.resolved': { target: 'bot', actions: reply('Glad we could help!') },
        'agent.timeout': { target: 'bot', actions: reply('Sorry, everyone is busy. Please try again later.') },
      },
    },
  },
});

export default defineFlow({ name: 'desk', machine: desk, handover: { timeoutMs: 15 * 60 * 1000 } });
