import { setup } from 'xstate';
import { defineFlow, reply, template, windowIsOpen, type ChartbotEvent } from 'chartbot';

/** Sent from your shop through `POST /api/messages` or `bot.runtime.notify(...)`. */
type OrderShipped = { type: 'api.orderShipped'; orderId: string };

const machine = setup({
  types: { events: {} as ChartbotEvent | OrderShipped },
  guards: { windowIsOpen: () => windowIsOpen() },
}).createMachine({
  id: 'order-updates',
  on: {
    'api.orderShipped': [
      // The user wrote within 24 hours: a free-form message reaches them.
      { guard: 'windowIsOpen', actions: reply(({ event }) => `Order ${event.orderId} is on its way!`) },
      // Otherwise only an approved template does.
      { actions: reply(({ event }) => template('order_shipped', 'en', { body: [event.orderId] })) },
    ],
    'user.text': { actions: reply('Thanks! We will tell you when your order ships.') },
  },
});

export default defineFlow({ name: 'order-updates', machine });
