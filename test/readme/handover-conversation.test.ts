import { afterEach, beforeEach, expect, it } from 'vitest';
import { chartbotMatchers, createTestBot, type TestBot } from 'chartbot/testing';
import desk from './handover-flow.ts';

expect.extend(chartbotMatchers);

let bot: TestBot;
beforeEach(async () => {
  bot = await createTestBot({ flow: desk });
});
afterEach(() => bot.close());

it('Sam answers and hands the conversation back', async () => {
  const ann = bot.contact('4915550601', { name: 'Ann' });
  await ann.send('can I talk to a person?');
  expect(ann).toHaveTag('handover');

  await bot.agent('Sam').says(ann, 'Hi Ann, Sam here. How can I help?');
  expect(ann).toHaveSent('Hi Ann, Sam here. How can I help?'); // sent by chartbot
  expect(ann).toHaveReplied('(Sam is typing from our office.)'); // what the machine added

  await bot.agent('Sam').resolves(ann);
  expect(ann).toHaveReplied('Glad we could help!');
  expect(ann).toBeInState('bot');
});

it('nobody answers within 15 minutes', async () => {
  const ben = bot.contact('4915550602');
  await ben.send('a person please');
  await bot.advance('15m');
  expect(ben).toHaveReplied('Sorry, everyone is busy. Please try again later.');
  await expect(bot.agent('Sam').says(ben, 'Hi!')).rejects.toThrow(/not in a hand-over/);
});
