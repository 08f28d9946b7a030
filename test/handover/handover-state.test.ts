import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { defineFlow, reply, template, type ChartbotEvent } from '../../src/index.ts';
import { createTestBot, type TestBot } from '../../src/testing/index.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import type { HandoverNotification } from '../../src/handover/handover-record.ts';
import support from '../../flows/support.ts';

/** A desk that only people answer: it never leaves the hand-over unless resolved (or never, `sticky`). */
const desk = (options: { markRead?: boolean; sticky?: boolean } = {}) =>
  defineFlow({
    name: 'desk',
    machine: setup({ types: { events: {} as ChartbotEvent } }).createMachine({
      id: 'desk',
      initial: 'bot',
      states: {
        bot: { on: { 'user.text': { target: 'people', actions: reply('Passing you to a person.') } } },
        people: { tags: ['handover'], on: options.sticky ? {} : { 'agent.resolved': { target: 'bot', actions: reply('Back to the bot.') } } },
      },
    }),
    handover: options.markRead === undefined ? {} : { markRead: options.markRead },
  });

let bot: TestBot;
afterEach(() => bot?.close());

function notifications(b: TestBot): HandoverNotification[] {
  const seen: HandoverNotification[] = [];
  b.runtime.on('handover', ({ notification }) => seen.push(notification));
  return seen;
}

describe('a state tagged handover is a hand-over', () => {
  it('entering records it with a timeout timer; user messages are noted; an agent answer stops the timer; resolving ends it', async () => {
    bot = await createTestBot({ flow: support });
    const told = notifications(bot);
    const cleo = bot.contact('4915550101', { name: 'Cleo' });
    await cleo.send('hi');
    expect(cleo.record?.handover).toBeUndefined();
    const entered = bot.clock.now();
    await cleo.tap('Talk to a person');
    expect(cleo.record?.handover).toEqual({ since: entered, state: 'handover.waiting', lastMessageAt: entered, name: 'Cleo', agents: [] });
    expect(cleo.record?.timers).toContainEqual(
      expect.objectContaining({ id: 'chartbot.handover.timeout', fireAt: entered + 30 * 60_000, event: expect.objectContaining({ type: 'agent.timeout', since: entered }) }),
    );
    expect(told.map((n) => n.type)).toEqual(['handover.started']);
    expect(told[0]).toMatchObject({ type: 'handover.started', businessNumberId: cleo.businessNumberId, waId: '4915550101', name: 'Cleo', flow: 'support', state: 'handover.waiting', trigger: 'user.button' });

    await bot.advance('5m');
    await cleo.send('my parcel never arrived');
    expect(cleo.record?.handover?.lastMessageAt).toBe(entered + 5 * 60_000);
    expect(told[1]).toMatchObject({ type: 'handover.message', event: { type: 'user.text', text: 'my parcel never arrived' } });

    const results = await bot.agent('Sam').says(cleo, 'Hi Cleo, I am Sam.');
    expect(results).toEqual([{ type: 'text', messageId: expect.any(String) }]);
    expect(cleo.messages.at(-1)).toMatchObject({ text: 'Hi Cleo, I am Sam.', agent: 'Sam' });
    expect(cleo.record?.handover).toMatchObject({ state: 'handover.talking', agents: ['Sam'] });
    expect(cleo.record?.timers.map((t) => t.id)).not.toContain('chartbot.handover.timeout');
    await bot.advance('1h'); // no agent.timeout any more: someone answered
    expect(cleo.state).toBe('handover.talking');

    await bot.agent('Sam').resolves(cleo);
    expect(cleo.record?.handover).toBeUndefined();
    expect(cleo.state).toBe('rating');
    expect(told.at(-1)).toMatchObject({ type: 'handover.ended', reason: 'agent.resolved', agent: 'Sam', since: entered, state: 'rating' });
    expect(cleo.record?.agentLog).toEqual([
      { kind: 'message', agent: 'Sam', at: entered + 5 * 60_000, messages: 1, types: ['text'] },
      { kind: 'resolve', agent: 'Sam', at: entered + 65 * 60_000 },
    ]);
  });

  it('no answer within handover.timeoutMs: agent.timeout reaches the machine, which leaves the hand-over', async () => {
    bot = await createTestBot({ flow: support });
    const told = notifications(bot);
    const finn = bot.contact('4915550102', { name: 'Finn' });
    await finn.send('hi');
    await finn.send('a person please');
    await bot.advance('30m');
    finn.expectReplies(/nobody from our team is free/, /How can we help/);
    expect(finn.record?.handover).toBeUndefined();
    expect(finn.record?.agentLog).toEqual([{ kind: 'timeout', at: bot.clock.now() }]);
    expect(told.at(-1)).toMatchObject({ type: 'handover.ended', reason: 'agent.timeout', state: 'menu' });
  });

  it('agents cannot act outside a hand-over; a flow that ignores agent.resolved stays in it', async () => {
    bot = await createTestBot({ flows: [desk({ sticky: true })] });
    const ida = bot.contact('4915550103');
    await expect(bot.agent('Sam').says(ida, 'hello?')).rejects.toThrow(/not in a hand-over \(no conversation\)/);
    // Only the agent calls make agent events: a proactive event cannot pose as one.
    await expect(bot.runtime.notify(ida.businessNumberId, ida.waId, { type: 'agent.resolved' })).rejects.toThrow(/agent.resolved is reserved/);
    await ida.send('help');
    expect(await bot.runtime.handovers.resolve(ida.businessNumberId, ida.waId, 'Sam')).toEqual({ ended: false, state: 'people' });
    expect((await bot.runtime.handovers.list()).map((h) => h.waId)).toEqual(['4915550103']);
  });

  it('after 24 hours a free-form agent message is refused with the reason; a template still goes', async () => {
    bot = await createTestBot({ flows: [desk()] });
    const jo = bot.contact('4915550104');
    await jo.send('help');
    await bot.advance('25h');
    const results = await bot.runtime.handovers.message(jo.businessNumberId, jo.waId, 'Sam', [
      { type: 'text', text: { body: 'Still there?' } },
      template('follow_up', 'en'),
    ]);
    expect(results[0]).toEqual({ type: 'text', error: { code: 131047, title: expect.stringMatching(/24-hour customer service window is closed .*send a template message/) } });
    expect(results[1]).toEqual({ type: 'template', messageId: expect.any(String) });
    expect(bot.provider.sends.map((s) => s.message.type)).toEqual(['text', 'template']); // "Passing you…", then only the template
    await expect(bot.agent('Sam').says(jo, 'hello?')).rejects.toThrow(/not sent: #131047 the 24-hour customer service window is closed/);
    await jo.refresh();
    expect(jo.record?.agentLog?.[0]).toMatchObject({ kind: 'message', messages: 1, refused: 1, types: ['template'] });
  });

  it('read receipts go on during a hand-over unless the flow turns them off', async () => {
    bot = await createTestBot({ flows: [desk()] });
    const on = bot.contact('4915550105');
    await on.send('help');
    await on.send('anyone?');
    expect(on.readReceipts).toHaveLength(2);
    await bot.close();

    bot = await createTestBot({ flows: [desk({ markRead: false })] });
    const off = bot.contact('4915550106');
    await off.send('help'); // not in a hand-over yet: read
    await off.send('anyone?');
    await off.send('hello?');
    expect(off.readReceipts).toEqual([off.sentMessageIds[0]]);
    await bot.agent('Sam').resolves(off);
    await off.send('thanks');
    expect(off.readReceipts).toEqual([off.sentMessageIds[0], off.sentMessageIds[3]]);
  });

  it('a flow that throws during a hand-over loses nothing: the message is parked and still reaches the agents, agent words still go out', async () => {
    const fragile = defineFlow({
      name: 'fragile',
      machine: setup({ types: { events: {} as ChartbotEvent } }).createMachine({
        id: 'fragile',
        initial: 'bot',
        states: {
          bot: { on: { 'user.text': 'people' } },
          people: {
            tags: ['handover'],
            on: {
              'user.text': { actions: () => { throw new Error('bug in the flow'); } },
              'agent.message': { actions: () => { throw new Error('another bug'); } },
            },
          },
        },
      }),
    });
    bot = await createTestBot({ flows: [fragile], flowErrors: 'park' }); // this test is about parking
    const told = notifications(bot);
    const kay = bot.contact('4915550107');
    await kay.send('help');
    await kay.send('is anyone there?');
    expect((await bot.runtime.parkedMessages()).map((p) => p.kind !== 'reply' && p.event.type)).toEqual(['user.text']);
    expect(told.map((n) => n.type)).toEqual(['handover.started', 'handover.message']);
    await bot.agent('Sam').says(kay, 'Yes, Sam here.');
    expect(kay.messages.at(-1)).toMatchObject({ text: 'Yes, Sam here.', agent: 'Sam' });
    expect(kay.record?.handover?.agents).toEqual(['Sam']);
  });

  it('hand-over options are checked when the flow is loaded', () => {
    const machine = desk().machine;
    expect(() => toFlow(defineFlow({ machine, handover: { timeoutMs: -5 } }), 'bad.ts')).toThrow(/handover.timeoutMs must be a positive number/);
    expect(() => toFlow({ machine, handover: { timeout: 5 } }, 'bad.ts')).toThrow(/unknown handover option\(s\) timeout: use timeoutMs, markRead/);
    expect(toFlow(defineFlow({ machine, handover: { timeoutMs: 1000, markRead: false } }), 'ok.ts').handover).toEqual({ timeoutMs: 1000, markRead: false });
  });
});
