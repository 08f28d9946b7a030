import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chartbotMatchers, ConversationAssertionError, createTestBot, type TestBot, type TestContact } from 'chartbot/testing';
import { text } from 'chartbot';
import everyKind from './fixtures/every-kind-flow.ts';

expect.extend(chartbotMatchers);

let bot: TestBot;
let user: TestContact;
beforeEach(async () => {
  bot = await createTestBot({ flow: everyKind });
  user = bot.contact('4915550010', { name: 'Dana' });
});
afterEach(async () => {
  await bot.close();
});

describe('simulated user actions reach the flow as the production parser delivers them', () => {
  it('text, button by id and by title, list row, form submission with the offered flow token', async () => {
    await user.send('hello');
    user.expectReplies('text hello');
    await user.send('buttons');
    await user.tap('b');
    user.expectReplies('button b Beta');
    await user.send('buttons');
    await user.tap('alpha'); // titles match case-insensitively
    user.expectReplies('button a Alpha');
    await user.send('list');
    await user.pick('Row two');
    user.expectReplies('list r2 Row two');
    await user.send('form');
    await user.submitFlow({ subject: 'Lamp', urgent: true });
    user.expectReplies('flow tok-1 {"flow_token":"tok-1","subject":"Lamp","urgent":true}'); // as Meta sends response_json
  });

  it('order, location, every media kind, contact cards and reactions', async () => {
    await user.order([
      { product: 'sku-1', quantity: 2, price: 9.99, currency: 'EUR' },
      { product: 'sku-2', quantity: 1, price: 5, currency: 'EUR' },
    ]);
    user.expectReplies('order catalog.test 2xsku-1@9.99EUR,1xsku-2@5EUR');
    await user.shareLocation({ latitude: 52.52, longitude: 13.405, name: 'Berlin' });
    user.expectReplies('location 52.52,13.405 Berlin');
    await user.sendMedia('image', { caption: 'my receipt' });
    await user.sendMedia('document', { filename: 'invoice.pdf' });
    await user.sendMedia('audio', { voice: true });
    await user.sendMedia('video');
    await user.sendMedia('sticker');
    expect(user.messages.slice(-5).map((m) => m.text)).toEqual([
      'media image my receipt',
      'media document invoice.pdf',
      'media audio  voice',
      'media video ',
      'media sticker ',
    ]);
    await user.shareContacts([{ name: 'Jane Doe', phone: '+4915550099', waId: '4915550099' }]);
    user.expectReplies('contacts 1');
    const target = user.lastMessage;
    await user.react('👍');
    user.expectReplies(`reaction 👍 to ${target?.messageId}`);
    expect(user.transcript.split('\n').filter((l) => l.startsWith('user'))).toEqual([
      'user orders: 2 x sku-1 @ 9.99 EUR, 1 x sku-2 @ 5 EUR',
      'user shares location: 52.52, 13.405 Berlin',
      'user sends image: my receipt',
      'user sends document: invoice.pdf',
      'user sends voice:',
      'user sends video:',
      'user sends sticker:',
      'user sends contact: Jane Doe +4915550099',
      'user reacts: 👍',
    ]);
  });
});

describe('a real user can only tap what the bot offered', () => {
  it('tapping a button that was not offered fails and lists what was', async () => {
    await user.send('buttons');
    await expect(user.tap('Gamma')).rejects.toThrow(ConversationAssertionError);
    await expect(user.tap('Gamma')).rejects.toThrow(
      'cannot tap "Gamma": the bot\'s last interactive message offered the buttons: [Alpha] (id a), [Beta] (id b)',
    );
  });

  it('buttons of an older message are gone once a list came after them', async () => {
    await user.send('buttons');
    await user.send('list');
    await expect(user.tap('Alpha')).rejects.toThrow(/cannot tap "Alpha": the bot's last interactive message offered the list rows: \[Row one\] \(id r1\), \[Row two\] \(id r2\)/);
    await expect(user.pick('Row three')).rejects.toThrow(/cannot pick "Row three"/);
  });

  it('before any interactive message there is nothing to tap, and a form needs an invitation', async () => {
    await expect(user.tap('Alpha')).rejects.toThrow('cannot tap "Alpha": the bot has not sent any interactive message');
    await user.send('buttons');
    await expect(user.submitFlow({})).rejects.toThrow(/cannot submit a form: the bot's last interactive message offered the buttons/);
  });
});

describe('assertions fail with the promised message', () => {
  it('a wrong reply expectation shows expected, actual and the whole transcript', async () => {
    await user.send('hello');
    let error: unknown;
    try {
      user.expectReplies('text goodbye');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConversationAssertionError);
    expect((error as Error).message).toBe(
      [
        'after "user: hello" the bot was expected to send:',
        '  1. "text goodbye"',
        'but it sent:',
        '  1. bot: text hello',
        '',
        'Whole conversation so far:',
        '  user: hello',
        '  bot: text hello',
      ].join('\n'),
    );
  });

  it('too many or too few replies fail too; order matters', async () => {
    await user.send('hello');
    expect(() => user.expectReplies()).toThrow(/but it sent:\n {2}1\. bot: text hello/);
    expect(() => user.expectReplies('text hello', 'text hello')).toThrow(/expected to send:\n {2}1\. "text hello"\n {2}2\. "text hello"/);
    expect(() => user.expectState('elsewhere')).toThrow('expected the conversation to be in state "elsewhere" but it is in "listening"');
  });

  it('custom matchers pass and fail with readable messages', async () => {
    await user.send('hello');
    expect(user).toHaveReplied('text hello');
    expect(user).toHaveReplied(/^bot: text/);
    expect(user).toBeInState('listening');
    expect(user).toHaveTag('echo');
    expect(user).not.toHaveTag('handover');
    expect(user).toHaveSent({ type: 'text', text: { body: 'text hello' } });
    expect(() => expect(user).toHaveReplied('nope')).toThrow(/after "user: hello" the bot was expected to send:\n {2}1\. "nope"/);
    expect(() => expect(user).toHaveSent('nope')).toThrow(/expected the bot to send "nope"\n\nWhole conversation:\n {2}user: hello/);
    expect(() => expect(user).toHaveTag('vip')).toThrow('expected state "listening" to have tag "vip" (tags: echo)');
  });
});

describe('read receipts, statuses and send failures', () => {
  it('marks every user message read once and records status webhooks without going backwards', async () => {
    await user.send('one');
    await user.send('two');
    expect(user.readReceipts).toEqual(user.sentMessageIds);
    expect(user.readReceipts).toHaveLength(2);
    expect(user.statusOf()).toBe('accepted');
    await user.reportStatus('read');
    expect(user.statusOf()).toBe('read');
    await user.reportStatus('delivered'); // late, out of order
    expect(user.statusOf()).toBe('read');
  });

  it('without read receipts nothing is marked read', async () => {
    const quiet = await createTestBot({ flow: everyKind, markRead: false });
    const someone = quiet.contact('4915550011');
    await someone.send('hi');
    expect(someone.readReceipts).toEqual([]);
    await quiet.close();
  });

  it('a failed status webhook reaches the flow as bot.failed', async () => {
    await user.send('hi');
    await user.reportStatus('failed', user.lastMessage, { code: 131026, title: 'Message undeliverable' });
    user.expectReplies('failed 131026');
    expect(user.statusOf(user.messages[0])).toBe('failed');
  });

  it('after 24 hours of silence free-form messages are refused locally and the transcript shows it', async () => {
    await user.send('hi');
    await bot.advance('25h');
    await bot.runtime.sendMessages(bot.businessNumberId, user.waId, [text('Still there?')]);
    await bot.runtime.idle();
    expect(bot.provider.sends).toHaveLength(1); // only the answer to "hi" reached the provider
    expect(user.messages[1]?.rendered).toMatch(/^bot: Still there\?\n {2}\(not sent: #131047 Re-engagement message/);
    expect(user.messages[1]?.error?.code).toBe(131047);
  });

  it('proactive events reach the machine; outside the window the flow sends a template', async () => {
    await user.send('hi');
    await user.notify({ type: 'api.shipped', orderId: 'A-1' });
    user.expectReplies('Order A-1 shipped');
    await bot.advance('1d');
    await user.notify({ type: 'api.shipped', orderId: 'A-2' });
    user.expectReplies({ type: 'template', template: { name: 'order_shipped' } });
    expect(user.lastMessage?.rendered).toBe('bot: template order_shipped (en): A-2');
    expect(user.transcript.split('\n').slice(-3)).toEqual(['wait: 1d', 'event: api.shipped', 'bot: template order_shipped (en): A-2']);
  });

  it('a provider refusal becomes bot.failed for the flow', async () => {
    bot.provider.failNext(1, { code: 131026, title: 'Message undeliverable' });
    await user.send('hi');
    expect(user.transcript).toBe(['user: hi', 'bot: text hi', '  (not sent: #131026 Message undeliverable)', 'bot: failed 131026'].join('\n'));
  });
});

describe('nothing in a test waits on the fake clock unless asked to', () => {
  it('more replies than WhatsApp lets through back to back, and a retryable failure, do not stall an action', async () => {
    const chatty = await createTestBot({ flow: everyKind });
    const someone = chatty.contact('4915550015');
    for (let i = 0; i < 25; i++) await someone.send(`m${i}`); // > the 20-message recipient burst
    expect(someone.messages).toHaveLength(25);
    chatty.provider.failNext(1, { code: 131000, title: 'Something went wrong', retryable: true });
    await someone.send('again');
    expect(someone.replies.map((m) => m.text)).toEqual(['text again', 'failed 131000']);
    await chatty.close();
  });

  it('with retries turned on, time moves while the send is pending and the retry succeeds', async () => {
    const patient = await createTestBot({ flow: everyKind, delivery: { retry: { maxAttempts: 3, baseDelayMs: 1000, random: () => 0 } } });
    const someone = patient.contact('4915550016');
    patient.provider.failNext(1, { code: 131000, title: 'Something went wrong', retryable: true });
    const sending = someone.send('hi');
    await patient.advance('1s');
    await sending;
    expect(someone.messages.map((m) => m.rendered)).toEqual(['bot: text hi']);
    expect(patient.provider.sends.map((s) => s.error?.code ?? 'ok')).toEqual([131000, 'ok']);
    await patient.close();
  });
});

describe('several contacts and several numbers', () => {
  it('two users talk at once, each with their own state and transcript', async () => {
    const other = bot.contact('4915550012', { name: 'Eli' });
    await Promise.all([user.send('buttons'), other.send('list')]);
    await Promise.all([user.tap('Alpha'), other.pick('Row one')]);
    user.expectReplies('button a Alpha');
    other.expectReplies('list r1 Row one');
    expect(user.messages).toHaveLength(2);
    expect(other.messages).toHaveLength(2);
  });

  it('the same user on two business numbers gets two conversations, each from the flow routed to that number', async () => {
    const multi = await createTestBot({
      flows: [
        { ...everyKind, numbers: ['111'] },
        { name: 'support', machine: (await import('../../flows/support.ts')).supportMachine, numbers: ['222'] },
      ],
      businessNumberId: '111',
    });
    const onFirst = multi.contact('4915550013', { name: 'Finn' });
    const onSecond = multi.contact('4915550013', { name: 'Finn', number: '222' });
    await onFirst.send('hi');
    await onSecond.send('hi');
    onFirst.expectReplies('text hi');
    onSecond.expectReplies('Hi Finn! How can we help you today?');
    expect(multi.provider.sends.map((s) => s.businessNumberId)).toEqual(['111', '222']);
    await multi.close();
  });
});

describe('storage and flow sources', () => {
  it('loads a flow file by path and keeps state in lowdb files that a second bot continues from', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-harness-'));
    try {
      const first = await createTestBot({ flow: 'flows/support.ts', dataDir });
      await first.contact('4915550014', { name: 'Gus' }).send('hi');
      await first.close();
      const second = await createTestBot({ flow: 'flows/support.ts', dataDir });
      const gus = second.contact('4915550014', { name: 'Gus' });
      await gus.send('faq');
      gus.expectReplies(/See questions/);
      expect(gus.state).toBe('faq');
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
