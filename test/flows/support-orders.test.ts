import { afterEach, beforeEach, expect, it } from 'vitest';
import support from '../../flows/support.ts';
import { createTestBot, type TestBot } from '../../src/testing/index.ts';

let bot: TestBot;
beforeEach(async () => {
  bot = await createTestBot({ flow: support });
});
afterEach(() => bot.close());

const cart = [{ product: 'sku-1', quantity: 2, price: 9.99, currency: 'EUR' }];

it('acknowledges an order sent as the very first message, then shows the menu', async () => {
  const ann = bot.contact('4915550201', { name: 'Ann' });
  await ann.order(cart);
  expect(ann.replies.map((r) => r.text)[0]).toMatch(/19\.98/);
  expect(ann.state).toBe('menu');
});

it('acknowledges an order sent while the idle reminder is waiting', async () => {
  const bob = bot.contact('4915550202', { name: 'Bob' });
  await bob.send('hi');
  await bot.advance('10m');
  expect(bob.state).toBe('reminder');
  await bob.order(cart);
  expect(bob.replies.map((r) => r.text)[0]).toMatch(/19\.98/);
  expect(bob.state).toBe('menu');
});
