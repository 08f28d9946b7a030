import { afterEach, beforeEach, expect, it } from 'vitest';
import { chartbotMatchers, createTestBot, type TestBot } from 'chartbot/testing';
import support from '../../flows/support.ts';

expect.extend(chartbotMatchers);

let bot: TestBot;
beforeEach(async () => {
  bot = await createTestBot({ flow: support }); // or a path: createTestBot({ flow: 'flows/support.ts' })
});
afterEach(() => bot.close());

it('answers a shipping question from the FAQ list', async () => {
  const anna = bot.contact('4915550001', { name: 'Anna' });
  await anna.send('hi');
  expect(anna).toHaveReplied('Hi Anna! How can we help you today?');

  await anna.tap('FAQ'); // by title or id; fails if the last message offered no such button
  await anna.pick('Shipping times');
  anna.expectReplies('Orders ship within 2 working days; delivery takes 3-5 days.', /How can we help/);
  expect(anna).toBeInState('menu');
  expect(anna.readReceipts).toHaveLength(3); // every message was marked read
});

it('opens a ticket with the WhatsApp Flow form', async () => {
  const ben = bot.contact('4915550002', { name: 'Ben' });
  await ben.send('hi');
  await ben.tap('Open a ticket');
  expect(ben).toHaveReplied({ type: 'interactive', interactive: { type: 'flow' } });
  await ben.submitFlow({ subject: 'Broken lamp' });
  expect(ben.replies[0]?.text).toBe('Ticket T-1 is open: "Broken lamp". We will reply here within one working day.');
  expect(ben.context<{ tickets: number }>().tickets).toBe(1);
});

it('nudges after 10 quiet minutes and closes an hour later, with no real waiting', async () => {
  const cleo = bot.contact('4915550003', { name: 'Cleo' });
  await cleo.send('hi');
  await bot.advance('10m');
  expect(cleo).toHaveReplied('Are you still there, Cleo? Reply anything to continue.');
  await bot.advance('1h');
  expect(cleo.state).toBe('closed');
  expect(cleo.done).toBe(true);
});

it('keeps two users apart, and hands Dan over to a person', async () => {
  const dan = bot.contact('4915550004', { name: 'Dan' });
  const eve = bot.contact('4915550005', { name: 'Eve' });
  await Promise.all([dan.send('hi'), eve.send('hi')]);
  await dan.tap('Talk to a person');
  await eve.tap('FAQ');
  expect(dan).toHaveTag('handover');
  await dan.send('where is my parcel?');
  dan.expectReplies('Thanks! An agent will be with you shortly.'); // once; then only people answer
  await dan.send('it was due on Monday');
  dan.expectReplies();
  await bot.agent('Sam').says(dan, 'Hi Dan, I am Sam. It arrives tomorrow.');
  expect(dan).toHaveSent('Hi Dan, I am Sam. It arrives tomorrow.');
  await bot.agent('Sam').resolves(dan); // the machine gets agent.resolved
  expect(dan).toHaveReplied(/How did we do\?/);
  expect(eve).toBeInState('faq');
});
