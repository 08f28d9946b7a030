import { afterEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import type { StepReport } from '../../src/conversation/runtime-events.ts';
import pizza from '../fixtures/own-flow/pizza.ts';
import { setup } from 'xstate';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { buttonReply, envelope, message, postWebhook, textMessage } from '../helpers/webhooks.ts';

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

interface LogLine {
  level: number;
  msg: string;
  event?: string;
}
const parse = (lines: string[]): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

describe('a message no transition takes (the bot "says nothing")', () => {
  it('is reported on the step (unhandled) and logged at debug, naming event and state', async () => {
    const logs = capturedLogger();
    t = await startBotUnderTest({ flows: [toFlow(pizza, 'pizza.ts')], logger: logs.logger });
    const steps: StepReport[] = [];
    t.bot.runtime.on('step', (report) => steps.push(report));
    await postWebhook(t.url, envelope({ messages: [textMessage('4930', 'hi')] }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [textMessage('4930', 'hello?')] }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [buttonReply('4930', 'large', 'Large')] }));
    await t.bot.runtime.idle();
    expect(steps.map((s) => [s.eventType, s.unhandled ?? false])).toEqual([
      ['user.text', false],
      ['user.text', true],
      ['user.button', false],
    ]);
    expect(steps[1]).toMatchObject({ before: 'choosingSize', after: 'choosingSize', replies: 0 });
    const debug = parse(logs.lines).filter((l) => l.msg.startsWith('no transition'));
    expect(debug).toEqual([expect.objectContaining({ level: 20, event: 'user.text', msg: 'no transition for user.text in state "choosingSize"' })]);
  });

  it('a new conversation that ignores its first message names its initial state', async () => {
    const logs = capturedLogger();
    t = await startBotUnderTest({ flows: [toFlow(pizza, 'pizza.ts')], logger: logs.logger });
    await postWebhook(t.url, envelope({ messages: [buttonReply('4932', 'large', 'Large')] }));
    await t.bot.runtime.idle();
    expect(parse(logs.lines).filter((l) => l.msg.startsWith('no transition')).map((l) => l.msg)).toEqual(['no transition for user.button in state "idle"']);
  });

  it('an empty transition ({}) counts as handled: the flow chose to stay silent', async () => {
    // A state that stays silent on purpose for orders ({}), and has no answer at all for texts.
    const quiet = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
      id: 'quiet',
      initial: 'menu',
      states: {
        menu: { on: { 'user.button': 'people' } },
        people: { on: { 'user.order': {} } },
      },
    });
    t = await startBotUnderTest({ flows: [toFlow(quiet, 'quiet.ts')] });
    const steps: StepReport[] = [];
    t.bot.runtime.on('step', (report) => steps.push(report));
    await postWebhook(t.url, envelope({ messages: [buttonReply('4931', 'human', 'Talk to a person')] }));
    await t.bot.runtime.idle();
    const order = message('4931', 'order', { order: { catalog_id: 'c', product_items: [{ product_retailer_id: 'mug', quantity: 1, item_price: 5, currency: 'EUR' }] } });
    await postWebhook(t.url, envelope({ messages: [order, textMessage('4931', 'anyone?')] }));
    await t.bot.runtime.idle();
    expect(steps.map((s) => [s.eventType, s.before, s.unhandled ?? false])).toEqual([
      ['user.button', undefined, false],
      ['user.order', 'people', false],
      ['user.text', 'people', true],
    ]);
  });
});

describe('what a newcomer trying the bot with curl sees in the log', () => {
  it('a repeated message id: one info line "re-delivery ignored"', async () => {
    const logs = capturedLogger();
    t = await startBotUnderTest({ flows: [toFlow(pizza, 'pizza.ts')], logger: logs.logger });
    const hi = textMessage('4933', 'hi');
    await postWebhook(t.url, envelope({ messages: [hi] }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [hi] }));
    await t.bot.runtime.idle();
    const lines = parse(logs.lines).filter((l) => l.msg.includes('re-delivery'));
    expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 're-delivery ignored (message already handled)' })]);
    expect(t.mock.sends()).toHaveLength(1);
  });

  it('a message older than 24 hours: the refused reply (131047) is one warning without a stack, not an error', async () => {
    const logs = capturedLogger();
    t = await startBotUnderTest({ flows: [toFlow(pizza, 'pizza.ts')], logger: logs.logger });
    const stale = textMessage('4934', 'hi');
    stale.timestamp = String(Math.floor(Date.now() / 1000) - 2 * 24 * 60 * 60); // a curl example copied two days ago
    await postWebhook(t.url, envelope({ messages: [stale] }));
    await t.bot.runtime.idle();
    const parsed = parse(logs.lines);
    expect(parsed.filter((l) => l.level >= 50)).toEqual([]);
    const warnings = parsed.filter((l) => l.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'reply not sent: the user last wrote more than 24 hours ago, so WhatsApp accepts only templates (code 131047); the flow receives bot.failed',
      }),
    ]);
    expect(logs.lines.find((l) => l.includes('131047'))).not.toContain('"stack"');
    expect(t.mock.sends()).toHaveLength(0);
  });
});
