import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { createTestBot } from 'chartbot/testing';
import slots from './delivery-slots-flow.ts';

it('docs/orders-and-flows.md: every example block is its file, verbatim', async () => {
  const page = await readFile('docs/orders-and-flows.md', 'utf8');
  const blocks = [...page.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  for (const [, path, code] of blocks) expect(code, `docs block for ${path} differs from the file`).toBe(await readFile(path!, 'utf8'));
});

it('the delivery-slots example answers from a service, in the same step, and closes the Flow', async () => {
  const bot = await createTestBot({ flow: slots });
  const ada = bot.contact('4915550005');
  await ada.send('book');
  expect(await ada.exchangeFlow('INIT')).toEqual({ kind: 'answer', answer: { screen: 'POSTCODE', data: {} } });
  expect(await ada.exchangeFlow('data_exchange', 'POSTCODE', { postcode: '10115' })).toEqual({ kind: 'answer', answer: { screen: 'SLOTS', data: { slots: ['Mon 9-12', 'Tue 14-18'] } } });
  expect(await ada.exchangeFlow('data_exchange', 'SLOTS', { slot: 'Tue 14-18' })).toEqual({ kind: 'answer', answer: { close: { slot: 'Tue 14-18' } } });
  ada.expectReplies('See you Tue 14-18!');
  await bot.close();
});
