import { afterEach, describe, expect, it } from 'vitest';
import { createTestBot, type TestBot } from 'chartbot/testing';
import support from '../../flows/support.ts';

let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

describe('test harness on the support flow (production runtime, fake clock)', () => {
  it('walks menu → FAQ → answer by tapping titles and ids', async () => {
    bot = await createTestBot({ flow: support });
    const anna = bot.contact('4915550001', { name: 'Anna' });
    await anna.send('hi');
    anna.expectReplies('Hi Anna! How can we help you today?');
    expect(anna.replies[0]?.choices.map((c) => c.title)).toEqual(['FAQ', 'Open a ticket', 'Talk to a person']);
    expect(anna.state).toBe('menu');

    await anna.tap('FAQ');
    anna.expectReplies(/list \[See questions\]: Opening hours \| Shipping times \| Returns/);
    await anna.pick('shipping');
    anna.expectReplies('Orders ship within 2 working days; delivery takes 3-5 days.', 'Hi Anna! How can we help you today?');
    expect(anna.transcript).toBe(
      [
        'user: hi',
        'bot: Hi Anna! How can we help you today?',
        '  [FAQ] [Open a ticket] [Talk to a person]',
        'user taps: FAQ',
        'bot: Here are the questions we get most often.',
        '  list [See questions]: Opening hours | Shipping times | Returns',
        'user picks: Shipping times',
        'bot: Orders ship within 2 working days; delivery takes 3-5 days.',
        'bot: Hi Anna! How can we help you today?',
        '  [FAQ] [Open a ticket] [Talk to a person]',
      ].join('\n'),
    );
  });

  it('submits the ticket form with the invitation’s flow token and counts tickets in context', async () => {
    bot = await createTestBot({ flow: support });
    const ben = bot.contact('4915550002', { name: 'Ben' });
    await ben.send('hi');
    await ben.send('I need a ticket');
    ben.expectReplies({ type: 'interactive', interactive: { type: 'flow' } });
    await ben.submitFlow({ subject: 'Broken lamp' });
    ben.expectReplies('Ticket T-1 is open: "Broken lamp". We will reply here within one working day.', /Hi Ben!/);
    expect(ben.context<{ tickets: number }>().tickets).toBe(1);
  });

  it('fires after timers with advance() and reports the final state', async () => {
    bot = await createTestBot({ flow: support });
    const cleo = bot.contact('4915550003', { name: 'Cleo' });
    await cleo.send('hello');
    await bot.advance('9m');
    cleo.expectReplies();
    await bot.advance('1m');
    cleo.expectReplies('Are you still there, Cleo? Reply anything to continue.');
    expect(cleo.state).toBe('reminder');
    await bot.advance('1h');
    cleo.expectReplies('We closed this conversation. Write to us any time to start again.');
    expect(cleo.state).toBe('closed');
    expect(cleo.done).toBe(true);
    expect(cleo.record?.snapshot).toBeUndefined(); // the runtime dropped it: the next message starts over
  });
});
