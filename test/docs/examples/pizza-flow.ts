import { setup } from 'xstate';
import { buttons, defineFlow, reply } from 'chartbot';

export default defineFlow({
  name: 'pizza',
  // Untyped events: with types: { events: {} as ChartbotEvent }, TypeScript would refuse 'user.txt' itself.
  machine: setup({}).createMachine({
    id: 'pizza',
    initial: 'size',
    states: {
      size: {
        entry: reply(buttons('Which size?', [{ id: 's', title: 'Small' }, { id: 'l', title: 'Large' }])),
        on: { 'user.button': 'address' },
      },
      address: {
        entry: reply('Where should we deliver?'),
        on: { 'user.location': 'baking', 'user.txt': 'baking' },
      },
      baking: {
        // The courier calls the customer; the bot stays quiet on purpose.
        meta: { lint: { allow: ['silent-state'] } },
        on: { 'user.button': 'baking' },
      },
    },
  }),
});
