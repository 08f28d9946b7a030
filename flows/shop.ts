/**
 * The example shop bot: catalog → product list → order (the cart the user sends) → delivery address
 * in a WhatsApp Flow backed by this bot's data endpoint → order confirmation with a total.
 *
 * It serves the business numbers in SHOP_NUMBERS (comma-separated phone_number_ids; the demo default
 * is a made-up id, so `npm start` keeps answering every real number with the support bot). Set
 * SHOP_CATALOG_ID to your Meta catalog and SHOP_DELIVERY_FLOW_ID to your published Flow (screens
 * ADDRESS and SUMMARY, data endpoint https://<host>/flows/endpoint), and WHATSAPP_FLOWS_PRIVATE_KEY.
 * See docs/orders-and-flows.md.
 */
import { assign, setup } from 'xstate';
import {
  catalogMessage,
  closeFlow,
  defineFlow,
  flowInvitation,
  productList,
  reply,
  screen,
  text,
  type ChartbotEvent,
  type FlowExchangeEvent,
  type FlowInput,
  type OrderItem,
} from 'chartbot';

/** The demo business number (a made-up phone_number_id): set SHOP_NUMBERS to yours. */
export const SHOP_DEMO_NUMBER = '100000000000001';
const SHOP_NUMBERS = (process.env.SHOP_NUMBERS ?? SHOP_DEMO_NUMBER).split(',').map((n) => n.trim()).filter(Boolean);
const CATALOG_ID = process.env.SHOP_CATALOG_ID ?? '146265584024623';
const DELIVERY_FLOW_ID = process.env.SHOP_DELIVERY_FLOW_ID ?? '1234567891';

/** What the shop sells; the SKUs are the catalog's product retailer ids. */
export const PRODUCTS: Record<string, string> = {
  'beans-1kg': 'Espresso beans 1 kg',
  'beans-250g': 'Espresso beans 250 g',
  grinder: 'Hand grinder',
  'filters-100': 'Paper filters (100)',
};
/** Delivery is free from this subtotal on; below it costs DELIVERY_FEE. */
const FREE_DELIVERY_FROM = 50;
const DELIVERY_FEE = 4.9;

interface Address {
  name: string;
  street: string;
  postcode: string;
  city: string;
}

interface ShopContext {
  cart: OrderItem[];
  address?: Address;
  orders: number;
}

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;
const subtotalOf = (cart: OrderItem[]) => cart.reduce((sum, item) => sum + item.quantity * item.itemPrice, 0);
const deliveryFeeOf = (cart: OrderItem[]) => (subtotalOf(cart) >= FREE_DELIVERY_FROM ? 0 : DELIVERY_FEE);
const currencyOf = (cart: OrderItem[]) => cart[0]?.currency ?? 'EUR';
const countOf = (cart: OrderItem[]) => cart.reduce((sum, item) => sum + item.quantity, 0);
const lineOf = (item: OrderItem) => `${item.quantity} × ${PRODUCTS[item.productRetailerId] ?? item.productRetailerId}: ${money(item.quantity * item.itemPrice, item.currency)}`;

/** The ADDRESS screen's checks; the message shows on the screen (`error_message`). */
function addressProblem(data: Record<string, unknown>): string | undefined {
  for (const field of ['name', 'street', 'postcode', 'city']) {
    if (typeof data[field] !== 'string' || (data[field] as string).trim() === '') return `Please fill in ${field}.`;
  }
  if (!/^\d{5}$/.test(String(data.postcode))) return 'A postcode has 5 digits.';
  return undefined;
}

const readAddress = (data: Record<string, unknown>): Address => ({
  name: String(data.name).trim(),
  street: String(data.street).trim(),
  postcode: String(data.postcode).trim(),
  city: String(data.city).trim(),
});

/** What the SUMMARY screen shows: the lines, the delivery fee and the total. */
function summary(context: ShopContext): Record<string, unknown> {
  const currency = currencyOf(context.cart);
  const fee = deliveryFeeOf(context.cart);
  return {
    lines: context.cart.map(lineOf).join('\n'),
    delivery: fee === 0 ? 'free' : money(fee, currency),
    total: money(subtotalOf(context.cart) + fee, currency),
    address: context.address ? `${context.address.name}, ${context.address.street}, ${context.address.postcode} ${context.address.city}` : '',
  };
}

const isExchange = (event: ChartbotEvent, action: FlowExchangeEvent['action'], screenName?: string): boolean =>
  event.type === 'flow.exchange' && event.action === action && (screenName === undefined || event.screen === screenName);

export const shopMachine = setup({
  types: {
    context: {} as ShopContext,
    events: {} as ChartbotEvent,
    input: {} as FlowInput,
  },
}).createMachine({
  id: 'shop',
  context: { cart: [], orders: 0 },
  initial: 'start',
  states: {
    start: {
      on: { 'user.*': 'browsing' },
    },
    browsing: {
      entry: reply([
        catalogMessage('Welcome to Bean There! Browse the whole catalog, or start with our favourites below.', 'beans-1kg'),
        productList(CATALOG_ID, {
          header: 'Our favourites',
          body: 'Add what you like to your cart and send it to order.',
          sections: [
            { title: 'Coffee', products: ['beans-1kg', 'beans-250g'] },
            { title: 'Gear', products: ['grinder', 'filters-100'] },
          ],
        }),
      ]),
      on: {
        'user.order': [
          {
            // Only what the shop sells (a cart from another catalog, or a removed product, is refused).
            guard: ({ event }) => event.items.length > 0 && event.items.every((item) => PRODUCTS[item.productRetailerId] !== undefined),
            target: 'delivery',
            actions: assign({ cart: ({ event }) => event.items }),
          },
          { actions: reply('Sorry, some of those items are not in our shop any more. Please pick again from the catalog.') },
        ],
        'user.text': { target: 'browsing', reenter: true },
      },
    },
    delivery: {
      entry: reply(({ context }) =>
        flowInvitation({
          body: `Your cart: ${countOf(context.cart)} item${countOf(context.cart) === 1 ? '' : 's'}, ${money(subtotalOf(context.cart), currencyOf(context.cart))}. Where should we deliver it?`,
          cta: 'Enter address',
          flowId: DELIVERY_FLOW_ID,
          endpoint: true,
          flowToken: 'delivery',
        }),
      ),
      on: {
        // The Flow's data endpoint: each screen's request arrives here and is answered with the next screen.
        'flow.exchange': [
          { guard: ({ event }) => isExchange(event, 'INIT'), actions: screen('ADDRESS', ({ context }) => ({ ...context.address })) },
          { guard: ({ event }) => isExchange(event, 'BACK'), actions: screen('ADDRESS', ({ context }) => ({ ...context.address })) },
          {
            guard: ({ event }) => isExchange(event, 'data_exchange', 'ADDRESS') && addressProblem(event.type === 'flow.exchange' ? event.data : {}) !== undefined,
            actions: screen('ADDRESS', ({ event }) => ({ ...(event.type === 'flow.exchange' ? event.data : {}), error_message: addressProblem(event.type === 'flow.exchange' ? event.data : {}) })),
          },
          {
            guard: ({ event }) => isExchange(event, 'data_exchange', 'ADDRESS'),
            actions: [assign({ address: ({ event }) => readAddress(event.type === 'flow.exchange' ? event.data : {}) }), screen('SUMMARY', ({ context }) => summary(context))],
          },
          {
            guard: ({ event, context }) => isExchange(event, 'data_exchange', 'SUMMARY') && context.address !== undefined,
            actions: [assign({ orders: ({ context }) => context.orders + 1 }), closeFlow(({ context }) => ({ order: `B-${context.orders}` }))],
          },
        ],
        // WhatsApp sends the completion to the chat once the Flow closed.
        'user.flow': { guard: ({ context }) => context.address !== undefined && context.orders > 0, target: 'confirmed' },
        'user.order': [
          {
            guard: ({ event }) => event.items.length > 0 && event.items.every((item) => PRODUCTS[item.productRetailerId] !== undefined),
            target: 'delivery',
            reenter: true,
            actions: assign({ cart: ({ event }) => event.items }),
          },
        ],
        'user.text': [{ guard: ({ event }) => /cancel/i.test(event.text), target: 'browsing', actions: [assign({ cart: [] }), reply('Your cart is cancelled.')] }],
      },
    },
    confirmed: {
      entry: [
        reply(({ context }) => {
          const currency = currencyOf(context.cart);
          const fee = deliveryFeeOf(context.cart);
          const address = context.address;
          return text(
            [
              `Order B-${context.orders} is confirmed. Thank you!`,
              ...context.cart.map(lineOf),
              `Delivery: ${fee === 0 ? 'free' : money(fee, currency)}`,
              `Total: ${money(subtotalOf(context.cart) + fee, currency)}`,
              address ? `To: ${address.name}, ${address.street}, ${address.postcode} ${address.city}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
          );
        }),
        assign({ cart: [] }),
      ],
      on: { 'user.*': 'browsing' },
    },
  },
});

export default defineFlow({
  name: 'shop',
  description: 'Example shop: catalog, product list, order, delivery address in a WhatsApp Flow with a data endpoint, confirmation with a total',
  numbers: SHOP_NUMBERS,
  machine: shopMachine,
});
