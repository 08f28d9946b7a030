/**
 * The example support bot (what `npm start` runs). It answers every inbound kind the product is
 * built for: a greeting with reply buttons, an FAQ list, a ticket form via a WhatsApp Flow whose
 * submission is confirmed back, order acknowledgement with a total, a hand-over to people (a state
 * tagged `handover`: agents answer, resolve, and the bot asks how it went; nobody answering within
 * 30 minutes brings the menu back), and an idle reminder via `after`.
 */
import { assign, setup } from 'xstate';
import { buttons, defineFlow, flowInvitation, list, reply, type ChartbotEvent, type FlowInput } from 'chartbot';

/** The WhatsApp Flow (form) that opens tickets; set SUPPORT_TICKET_FLOW_ID to your published flow. */
const TICKET_FLOW_ID = process.env.SUPPORT_TICKET_FLOW_ID ?? '1234567890';

const FAQ: Record<string, { title: string; answer: string }> = {
  hours: { title: 'Opening hours', answer: 'We answer Monday to Friday, 9:00 to 18:00 (CET).' },
  shipping: { title: 'Shipping times', answer: 'Orders ship within 2 working days; delivery takes 3-5 days.' },
  returns: { title: 'Returns', answer: 'You can return any item within 30 days. Reply "ticket" to start a return.' },
};

interface SupportContext {
  name: string;
  tickets: number;
  /** The last rating the user gave after a hand-over (`great`, `ok`, `bad`). */
  rating?: string;
}

/** "bot" takes the user back to the menu, even during a hand-over. */
const wantsBot = (event: ChartbotEvent) => event.type === 'user.text' && event.text.trim().toLowerCase() === 'bot';

const menu = (name: string) =>
  buttons(`Hi ${name}! How can we help you today?`, [
    { id: 'faq', title: 'FAQ' },
    { id: 'ticket', title: 'Open a ticket' },
    { id: 'human', title: 'Talk to a person' },
  ]);

function orderTotal(event: Extract<ChartbotEvent, { type: 'user.order' }>): string {
  const currency = event.items[0]?.currency ?? '';
  const total = event.items.reduce((sum, item) => sum + item.quantity * item.itemPrice, 0);
  const count = event.items.reduce((sum, item) => sum + item.quantity, 0);
  return `Thanks for your order! ${count} item${count === 1 ? '' : 's'}, total ${total.toFixed(2)} ${currency}. We'll send you a confirmation when it ships.`;
}

export const supportMachine = setup({
  types: {
    context: {} as SupportContext,
    events: {} as ChartbotEvent,
    input: {} as FlowInput,
  },
  delays: {
    /** How long the bot waits before nudging a silent user. */
    idle: 10 * 60 * 1000,
    /** After the nudge, how long before the conversation is closed. */
    closeAfter: 60 * 60 * 1000,
  },
}).createMachine({
  id: 'support',
  context: ({ input }) => ({ name: input.contact.name ?? 'there', tickets: 0 }),
  initial: 'start',
  // Orders are acknowledged wherever the conversation is, without leaving the current step.
  on: {
    'user.order': { actions: reply(({ event }) => orderTotal(event)) },
  },
  states: {
    start: {
      // An order as the first message is acknowledged too (a state's own `user.*` wins over the root's `user.order`).
      on: { 'user.order': { target: 'menu', actions: reply(({ event }) => orderTotal(event)) }, 'user.*': 'menu' },
    },
    menu: {
      entry: reply(({ context }) => menu(context.name)),
      after: { idle: 'reminder' },
      on: {
        'user.button': [
          { guard: ({ event }) => event.id === 'faq', target: 'faq' },
          { guard: ({ event }) => event.id === 'ticket', target: 'ticket' },
          { guard: ({ event }) => event.id === 'human', target: 'handover' },
        ],
        'user.text': [
          { guard: ({ event }) => /ticket/i.test(event.text), target: 'ticket' },
          { guard: ({ event }) => /faq|question/i.test(event.text), target: 'faq' },
          { guard: ({ event }) => /human|person|agent/i.test(event.text), target: 'handover' },
          { target: 'menu', reenter: true },
        ],
      },
    },
    faq: {
      entry: reply(
        list('Here are the questions we get most often.', 'See questions', [
          { title: 'Questions', rows: Object.entries(FAQ).map(([id, faq]) => ({ id, title: faq.title })) },
        ]),
      ),
      after: { idle: 'reminder' },
      on: {
        'user.list': {
          target: 'menu',
          actions: reply(({ event }) => FAQ[event.id]?.answer ?? 'Sorry, I do not know that one yet.'),
        },
        'user.text': { target: 'menu' },
      },
    },
    ticket: {
      entry: reply(
        flowInvitation({
          body: 'Tell us what happened and we will get back to you within one working day.',
          cta: 'Open the form',
          flowId: TICKET_FLOW_ID,
          flowToken: 'support-ticket',
          screen: 'TICKET',
        }),
      ),
      after: { idle: 'reminder' },
      on: {
        'user.flow': {
          target: 'menu',
          actions: [
            assign({ tickets: ({ context }) => context.tickets + 1 }),
            reply(({ context, event }) => {
              const subject = typeof event.response.subject === 'string' ? event.response.subject : 'your request';
              return `Ticket T-${context.tickets} is open: "${subject}". We will reply here within one working day.`;
            }),
          ],
        },
        'user.text': { target: 'menu' },
      },
    },
    // People answer here (agent API, agent webhook, Chatwoot); the bot mostly stays silent.
    handover: {
      tags: ['handover'],
      initial: 'waiting',
      entry: reply('A person from our team will answer you here shortly. Write "bot" to return to the menu.'),
      on: {
        'user.text': { guard: ({ event }) => wantsBot(event), target: 'menu' },
        'user.order': {},
        'agent.resolved': 'rating',
        'agent.timeout': {
          target: 'menu',
          actions: reply('Sorry, nobody from our team is free right now. Please try again later (Monday to Friday, 9:00 to 18:00 CET).'),
        },
      },
      states: {
        /** Nobody has answered yet: the first thing the user writes gets one reassurance. */
        waiting: {
          on: {
            'user.*': { guard: ({ event }) => !wantsBot(event), target: 'reassured', actions: reply('Thanks! An agent will be with you shortly.') },
            'agent.message': 'talking',
          },
        },
        reassured: { on: { 'agent.message': 'talking' } },
        talking: {},
      },
    },
    rating: {
      entry: reply(({ context }) =>
        buttons(`Thanks for talking to us, ${context.name}! How did we do?`, [
          { id: 'great', title: 'Great' },
          { id: 'ok', title: 'OK' },
          { id: 'bad', title: 'Not good' },
        ]),
      ),
      on: {
        'user.button': { target: 'start', actions: [assign({ rating: ({ event }) => event.id }), reply('Thank you for your feedback!')] },
        'user.*': 'menu',
      },
    },
    reminder: {
      entry: reply(({ context }) => `Are you still there, ${context.name}? Reply anything to continue.`),
      after: { closeAfter: 'closed' },
      on: { 'user.order': { target: 'menu', actions: reply(({ event }) => orderTotal(event)) }, 'user.*': 'menu' },
    },
    closed: {
      type: 'final',
      entry: reply('We closed this conversation. Write to us any time to start again.'),
    },
  },
});

export default defineFlow({
  name: 'support',
  description: 'Example support bot: menu, FAQ, tickets via a WhatsApp Flow, orders, hand-over to people, idle reminder',
  machine: supportMachine,
  // agent.timeout when no agent has written 30 minutes after the hand-over started.
  handover: { timeoutMs: 30 * 60 * 1000 },
});
