import { setup } from 'xstate';
import { buttons, defineFlow, reply, type ChartbotEvent } from 'chartbot';

/** docs/testing.md "When the flow fails": a menu with four reply buttons (WhatsApp allows three). */
const machine = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  id: 'pizza',
  initial: 'greeting',
  states: {
    greeting: { on: { 'user.text': { target: 'choosing', actions: reply('Hi! Ready to order?') } } },
    choosing: {
      on: {
        'user.text': {
          // Built when the user writes (a function), so the mistake shows only then.
          actions: reply(() =>
            buttons('Which size?', [
              { id: 's', title: 'Small' },
              { id: 'm', title: 'Medium' },
              { id: 'l', title: 'Large' },
              { id: 'xl', title: 'Family' },
            ]),
          ),
        },
      },
    },
  },
});

export default defineFlow({ name: 'pizza', machine });
