import { afterEach, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { defineFlow } from '../../src/conversation/define-flow.ts';
import { reply } from '../../src/conversation/reply.ts';
import { windowIsOpen } from '../../src/delivery/window-guard.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { createTestBot, type TestBot } from '../../src/testing/index.ts';

/**
 * A transition that runs after a flow's service answered must still see its own contact's window,
 * even when other contacts' steps ran while the service was pending.
 */
const machine = setup({
  types: { events: {} as ChartbotEvent | { type: 'api.ping' } },
  actors: { lookup: fromPromise(({ input }: { input: { ms: number } }) => new Promise<void>((resolve) => setTimeout(resolve, input.ms))) },
  guards: { windowIsOpen: () => windowIsOpen() },
}).createMachine({
  id: 'window-after-service',
  initial: 'idle',
  states: {
    idle: { on: { 'user.text': 'idle', 'api.ping': 'looking' } },
    looking: {
      invoke: {
        src: 'lookup',
        input: ({ context }) => ({ ms: 30, ...context }),
        onDone: [
          { guard: 'windowIsOpen', target: 'idle', actions: reply('window open') },
          { target: 'idle', actions: reply({ type: 'template', template: { name: 'window_closed', language: { code: 'en' } } }) },
        ],
      },
    },
  },
});

let bot: TestBot;
afterEach(() => bot.close());

it('windowIsOpen after an awaited service reads the right contact, with other contacts running meanwhile', async () => {
  bot = await createTestBot({ flow: defineFlow({ name: 'window-after-service', machine }) });
  const old = bot.contact('4915550101');
  await old.send('hello');
  await bot.advance('25h'); // old's window closes
  const fresh = bot.contact('4915550102');
  await fresh.send('hello'); // fresh's window is open

  await Promise.all([old.notify({ type: 'api.ping' }), fresh.notify({ type: 'api.ping' })]);
  expect(fresh.replies.map((r) => r.text)).toEqual(['window open']);
  expect(old.replies.map((r) => r.message.type)).toEqual(['template']);
});
