import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotOptions } from '../../src/server/create-bot.ts';
import { FakeClock } from '../../src/testing/fake-clock.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { driveClock } from '../helpers/drive-clock.ts';
import { BUSINESS, envelope, postWebhook, status, textMessage } from '../helpers/webhooks.ts';
import { deliveryFlow } from './delivery-flow.ts';

const WA = '4915100000001';
let clock: FakeClock;
let t: BotUnderTest;

/** An inbound text stamped with the fake clock's time (the 24-hour window counts from it). */
const inbound = (body: string) => ({ ...textMessage(WA, body), timestamp: String(Math.floor(clock.now() / 1000)) });

const sentTexts = () => t.mock.sends().map((s) => (s.body.text as { body?: string } | undefined)?.body ?? `<${String(s.body.type)}>`);

async function start(delivery: BotOptions['delivery'] = {}) {
  t = await startBotUnderTest({
    flows: [deliveryFlow],
    clock,
    markRead: false,
    // random: () => 0 pins the jitter to its fixed half, so the back-off is exact.
    delivery: { ...delivery, retry: { random: () => 0, baseDelayMs: 500, ...delivery.retry } },
  });
}

async function say(body: string): Promise<number> {
  const res = await postWebhook(t.url, envelope({ messages: [inbound(body)] }));
  expect(res.status).toBe(200);
  return (await driveClock(clock, t.bot.runtime.idle())).elapsedMs;
}

const failures = async () =>
  ((await t.bot.runtime.inspect(BUSINESS.phoneNumberId, WA))?.record.snapshot as { context: { failures: unknown[] } } | undefined)?.context.failures;

beforeEach(() => {
  clock = new FakeClock();
});
afterEach(async () => {
  await t.cleanup();
});

describe('retries', () => {
  it('429 with Retry-After, then 503, then success: waits as told, keeps the contact’s order', async () => {
    await start();
    t.mock.failNext(
      { status: 429, body: { error: { message: '(#130429) Rate limit hit', code: 130429 } }, headers: { 'retry-after': '7' } },
      { status: 503, body: 'Service Unavailable' },
    );
    const elapsed = await say('burst 3');
    expect(sentTexts()).toEqual(['#1', '#1', '#1', '#2', '#3']);
    // 1st retry: jitter alone would wait 250 ms, Retry-After says 7 s; 2nd retry: 1000 ms → 500 ms with pinned jitter.
    expect(elapsed).toBe(7000 + 500);
    expect(await failures()).toEqual([]);
  });

  it.each([
    { code: 131056, why: 'pair rate limit' },
    { code: 4, why: 'app rate limit' },
    { code: 80007, why: 'WABA rate limit' },
  ])('throttling code $code ($why) on HTTP 400 is retried', async ({ code }) => {
    await start();
    t.mock.failNext({ status: 400, body: { error: { message: `(#${code}) slow down`, code } } });
    const elapsed = await say('burst 1');
    expect(sentTexts()).toEqual(['#1', '#1']);
    expect(elapsed).toBe(250);
  });

  it('a permanent error is not retried and reaches the machine as bot.failed', async () => {
    await start();
    t.mock.failNext({ status: 400, body: { error: { message: '(#131026) Message undeliverable', code: 131026 } } });
    await say('burst 2');
    // #1 refused once (no retry), #2 still goes out, then the machine's answer to bot.failed.
    expect(sentTexts()).toEqual(['#1', '#2', 'failed 131026']);
    expect(await failures()).toEqual([{ code: 131026, title: '(#131026) Message undeliverable' }]);
  });

  it('retries give up after maxAttempts and the machine gets bot.failed with the last code', async () => {
    await start({ retry: { maxAttempts: 3 } });
    const throttled = { status: 400, body: { error: { message: '(#131056) pair rate limit hit', code: 131056 } } };
    t.mock.failNext(throttled, throttled, throttled);
    const elapsed = await say('burst 1');
    expect(sentTexts()).toEqual(['#1', '#1', '#1', 'failed 131056']);
    expect(elapsed).toBe(250 + 500);
    expect(await failures()).toEqual([{ code: 131056, title: '(#131056) pair rate limit hit' }]);
  });
});

describe('failed status webhook', () => {
  it('reaches the machine as bot.failed with the message id, code and title; the status is recorded', async () => {
    await start();
    await say('hello');
    const [sent] = t.mock.sends();
    expect(sent?.body.text).toEqual({ body: 'echo: hello' });
    const messageId = 'wamid.out.1';
    const failed = status(messageId, 'failed', WA, Math.floor(clock.now() / 1000), { errors: [{ code: 131026, title: 'Message undeliverable' }] });
    await postWebhook(t.url, envelope({ statuses: [failed] }));
    await driveClock(clock, t.bot.runtime.idle());
    expect(await failures()).toEqual([{ code: 131026, title: 'Message undeliverable', messageId }]);
    expect(sentTexts().at(-1)).toBe('failed 131026');
    expect(await t.bot.runtime.messageStatus(BUSINESS.phoneNumberId, WA, messageId)).toMatchObject({
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
  });

  it('a partner gateway’s ERROR status counts as failed; UNKNOWN changes nothing', async () => {
    await start();
    await say('hello');
    const messageId = 'wamid.out.1';
    await postWebhook(t.url, envelope({ statuses: [status(messageId, 'UNKNOWN', WA)] }));
    await driveClock(clock, t.bot.runtime.idle());
    expect((await t.bot.runtime.messageStatus(BUSINESS.phoneNumberId, WA, messageId))?.status).toBe('accepted');
    await postWebhook(t.url, envelope({ statuses: [status(messageId, 'ERROR', WA, undefined, { errors: [{ code: 131047, title: 'Re-engagement message' }] })] }));
    await driveClock(clock, t.bot.runtime.idle());
    expect((await t.bot.runtime.messageStatus(BUSINESS.phoneNumberId, WA, messageId))?.status).toBe('failed');
    expect(await failures()).toEqual([{ code: 131047, title: 'Re-engagement message', messageId }]);
  });
});

describe('24-hour customer-service window', () => {
  it('refuses free-form sends locally after 24 h (no HTTP call) as bot.failed 131047; templates still go out', async () => {
    await start();
    await say('hello');
    const before = t.mock.requests.length;
    const runtime = t.bot.runtime;
    expect(await runtime.isWindowOpen(BUSINESS.phoneNumberId, WA)).toBe(true);

    await clock.advance('23h59m');
    expect(await runtime.isWindowOpen(BUSINESS.phoneNumberId, WA)).toBe(true);
    await clock.advance('1m');
    expect(await runtime.isWindowOpen(BUSINESS.phoneNumberId, WA)).toBe(false);

    const [refused] = await runtime.notify(BUSINESS.phoneNumberId, WA, { type: 'api.freeform' });
    await driveClock(clock, runtime.idle());
    expect(refused?.messageId).toBeUndefined();
    expect(refused?.error?.details).toMatchObject({ code: 131047, retryable: false });
    // Neither the refused message nor the machine's free-form answer to bot.failed reached the gateway.
    expect(t.mock.requests.length).toBe(before);
    expect(await failures()).toEqual([{ code: 131047, title: expect.stringMatching(/Re-engagement message/) }]);

    // The flow asks windowIsOpen and sends the template instead.
    const [shipped] = await runtime.notify(BUSINESS.phoneNumberId, WA, { type: 'api.ping' });
    expect(shipped?.messageId).toMatch(/^wamid\.out\./);
    expect(t.mock.sends().at(-1)?.body).toMatchObject({ type: 'template', template: { name: 'order_shipped' } });

    // The user writes again: the window is open and the same event answers free-form.
    await say('back');
    await runtime.notify(BUSINESS.phoneNumberId, WA, { type: 'api.ping' });
    expect(sentTexts().slice(-2)).toEqual(['echo: back', 'Your order shipped (free-form).']);
  });

  it('proactive sendMessages honours the window too', async () => {
    await start();
    await say('hello');
    await clock.advance('25h');
    const { text } = await import('../../src/messages/builders.ts');
    const { template } = await import('../../src/messages/template-builders.ts');
    const results = await t.bot.runtime.sendMessages(BUSINESS.phoneNumberId, WA, [text('late'), template('order_shipped', 'en')]);
    expect(results.map((r) => r.error?.code ?? 'sent')).toEqual([131047, 'sent']);
    expect(t.mock.sends().map((s) => s.body.type)).toEqual(['text', 'template']);
  });
});
