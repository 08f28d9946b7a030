import { assign, fromPromise, setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

/** Asks the shop's API for an order; gives up after 3 s (AbortSignal), so onError can answer. */
const fetchOrder = fromPromise(async ({ input, signal }: { input: { orderId: string }; signal: AbortSignal }) => {
  const shop = process.env.SHOP_API_URL ?? 'http://127.0.0.1:8080';
  const res = await fetch(`${shop}/orders/${encodeURIComponent(input.orderId)}`, {
    signal: AbortSignal.any([signal, AbortSignal.timeout(3000)]),
  });
  if (!res.ok) throw new Error(`shop answered ${res.status}`);
  return (await res.json()) as { status: string };
});

const machine = setup({
  types: { context: {} as { orderId: string }, events: {} as ChartbotEvent },
  actors: { fetchOrder },
}).createMachine({
  id: 'order-status',
  context: { orderId: '' },
  initial: 'asking',
  states: {
    asking: {
      on: { 'user.text': { target: 'looking', actions: assign({ orderId: ({ event }) => event.text.trim() }) } },
    },
    looking: {
      invoke: {
        src: 'fetchOrder',
        input: ({ context }) => ({ orderId: context.orderId }),
        onDone: { target: 'asking', actions: reply(({ context, event }) => `Order ${context.orderId}: ${event.output.status}`) },
        onError: { target: 'asking', actions: reply('The shop is not answering right now, please try again later.') },
      },
    },
  },
});

export default defineFlow({ name: 'order-status', machine });
