/**
 * The flow the benchmark drives: every message is one transition that updates the context (so
 * the snapshot really changes and is persisted) and sends exactly one text reply. No timers, so
 * idle contacts leave nothing armed in memory.
 */
import { assign, setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent, type FlowInput } from 'chartbot';

export const benchEchoMachine = setup({
  types: {
    context: {} as { name: string; count: number },
    events: {} as ChartbotEvent,
    input: {} as FlowInput,
  },
}).createMachine({
  id: 'bench-echo',
  context: ({ input }) => ({ name: input.contact.name ?? 'there', count: 0 }),
  initial: 'chatting',
  states: {
    chatting: {
      on: {
        'user.*': {
          actions: [
            assign({ count: ({ context }) => context.count + 1 }),
            reply(({ context }) => `Message ${context.count} received, ${context.name}.`),
          ],
        },
      },
    },
  },
});

export default defineFlow({ name: 'bench-echo', machine: benchEchoMachine });
