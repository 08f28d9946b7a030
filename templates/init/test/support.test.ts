import { afterEach, beforeEach, expect, it } from 'vitest';
import { chartbotMatchers, createTestBot, type TestBot } from 'chartbot/testing';
import support from '../flows/support.ts';

expect.extend(chartbotMatchers);

let bot: TestBot;
beforeEach(async () => {
  bot = await createTestBot({ flow: support });
});
afterEach(() => bot.close());

it('answers with the opening hours', async () => {
  const anna = bot.contact('4915550001', { name: 'Anna' });
  await anna.send('hi');
  expect(anna).toHaveReplied('Hi Anna! How can we help you?');
  await anna.tap('Opening hours');
  expect(anna).toHaveReplied('We answer Monday to Friday, 9:00 to 18:00.', 'Hi Anna! How can we help you?');
  expect(anna).toBeInState('menu');
});

it('hands over to a person and stays silent until the user writes "bot"', async () => {
  const ben = bot.contact('4915550002', { name: 'Ben' });
  await ben.send('hi');
  await ben.tap('Talk to a person');
  expect(ben).toHaveTag('handover');
  await ben.send('where is my parcel?');
  ben.expectReplies(); // nobody but the person answers now
  await ben.send('bot');
  expect(ben).toHaveReplied('Hi Ben! How can we help you?');
});

it('reminds a quiet user once, then ends the conversation (no real waiting)', async () => {
  const cleo = bot.contact('4915550003', { name: 'Cleo' });
  await cleo.send('hi');
  await bot.advance('10m');
  expect(cleo).toHaveReplied('Are you still there? Write anything to see the menu again.');
  await bot.advance('10m');
  expect(cleo.done).toBe(true);
});
