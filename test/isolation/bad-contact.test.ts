import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import troublemaker, { fragility } from '../fixtures/flows/troublemaker.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { textsSentTo as sentTexts } from '../helpers/sent-texts.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';

const flows = [toFlow(troublemaker, 'troublemaker.ts')];
const SERVICE_TIMEOUT_MS = 1500;

let t: BotUnderTest;
beforeEach(async () => {
  fragility.broken = true;
  t = await startBotUnderTest({ flows, serviceTimeoutMs: SERVICE_TIMEOUT_MS });
});
afterEach(async () => {
  await t.cleanup();
});

const textsSentTo = (to: string) => sentTexts(t.mock, to);

const stateOf = async (waId: string) =>
  ((await t.bot.runtime.inspect(BUSINESS.phoneNumberId, waId))?.record.snapshot as { value?: unknown; context?: unknown } | undefined);

/** The good contact writes messages 1–3 (after `hello 0` when `sentZero`); every answer arrives, in order. */
async function goodContactIsServed(good: string, sentZero = false): Promise<void> {
  for (const n of [1, 2, 3]) await postWebhook(t.url, envelope({ messages: [textMessage(good, `hello ${n}`)] }));
  const expected = (sentZero ? [0, 1, 2, 3] : [1, 2, 3]).map((n, i) => `#${i + 1}: hello ${n}`);
  await waitUntil(() => textsSentTo(good).length === expected.length, 'the good contact\'s replies');
  expect(textsSentTo(good)).toEqual(expected);
}

describe('a misbehaving flow affects only its own contact', () => {
  it.each([
    ['throw', 'Error: flow exploded on purpose'],
    ['loop', 'StepBudgetError: more than 1000 transitions'],
    ['raise', 'StepBudgetError: more than 1000 transitions'],
  ])('"%s": the message is parked with the error, the contact keeps its state, others flow', async (command, error) => {
    const bad = '4911100001';
    const good = '4911100002';
    await postWebhook(t.url, envelope({ messages: [textMessage(bad, 'before')] }));
    await t.bot.runtime.idle();
    const before = await stateOf(bad);

    const inbound = textMessage(bad, command);
    expect((await postWebhook(t.url, envelope({ messages: [inbound, textMessage(good, 'hello 0')] }))).status).toBe(200);
    await goodContactIsServed(good, true);
    await t.bot.runtime.idle();

    const parked = await t.bot.runtime.parkedMessages();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ id: inbound.id, waId: bad, flow: 'troublemaker', attempts: 1, event: { type: 'user.text', text: command } });
    expect(parked[0]!.error).toContain(error);
    expect(await stateOf(bad)).toEqual(before);
    // The bad contact itself still works for its next message.
    await postWebhook(t.url, envelope({ messages: [textMessage(bad, 'after')] }));
    await waitUntil(() => textsSentTo(bad).includes('#2: after'), 'the bad contact\'s next reply');
  });

  it('a hanging service does not delay other contacts; it times out and parks the message', async () => {
    const bad = '4911100003';
    const good = '4911100004';
    const hang = textMessage(bad, 'hang');
    const started = Date.now();
    await postWebhook(t.url, envelope({ messages: [hang] }));
    await goodContactIsServed(good);
    // Served while the bad contact's service was still pending: nothing parked yet.
    expect(await t.bot.runtime.parkedMessages()).toEqual([]);
    await waitUntil(async () => (await t.bot.runtime.parkedMessages()).length === 1, 'the hanging message to be parked', SERVICE_TIMEOUT_MS + 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SERVICE_TIMEOUT_MS - 50);
    const [parked] = await t.bot.runtime.parkedMessages();
    expect(parked).toMatchObject({ id: hang.id, waId: bad });
    expect(parked!.error).toMatch(/^ServiceTimeoutError: service .* did not settle within 1500 ms/);
    expect((await stateOf(bad))?.value).toBeUndefined(); // never got past the failed first step
  });

  it('a service that answers is awaited within the step: its onDone reply is sent', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('4911100005', 'lookup')] }));
    await waitUntil(() => textsSentTo('4911100005').length === 1, 'the service reply');
    expect(textsSentTo('4911100005')).toEqual(['service said FOUND IT']);
    expect((await stateOf('4911100005'))?.value).toBe('chatting');
    expect(await t.bot.runtime.parkedMessages()).toEqual([]);
  });

  it('a parked message is re-delivered through the contact\'s queue by retryParked', async () => {
    const waId = '4911100006';
    const fragile = textMessage(waId, 'fragile');
    const id = String(fragile.id);
    await postWebhook(t.url, envelope({ messages: [fragile] }));
    await t.bot.runtime.idle();
    expect(await t.bot.runtime.retryParked(id)).toEqual({ status: 'parked', error: 'Error: still broken' });
    expect((await t.bot.runtime.parkedMessages())[0]).toMatchObject({ id: fragile.id, attempts: 2 });

    fragility.broken = false;
    expect(await t.bot.runtime.retryParked(id)).toEqual({ status: 'delivered' });
    expect(textsSentTo(waId)).toEqual(['#1: fragile']);
    expect(await t.bot.runtime.parkedMessages()).toEqual([]);
    expect(await t.bot.runtime.retryParked(id)).toEqual({ status: 'unknown' });
  });

  it('a message parked by a run that never saved its record is unparked when it is replayed and succeeds', async () => {
    const waId = '4911100008';
    const fragile = textMessage(waId, 'fragile');
    await postWebhook(t.url, envelope({ messages: [fragile] }));
    await t.bot.runtime.idle();
    // As after a crash between parking and saving: the store never recorded the message as handled.
    const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, waId))!.record;
    delete record.seen[String(fragile.id)];
    await t.bot.runtime.store.save(record);
    fragility.broken = false;
    await postWebhook(t.url, envelope({ messages: [fragile] })); // the gateway (or the journal) delivers it again
    await waitUntil(() => textsSentTo(waId).length === 1, 'the replayed message\'s reply');
    await t.bot.runtime.idle();
    expect(await t.bot.runtime.parkedMessages()).toEqual([]);
  });

  it('parked messages survive a restart (kept in the data directory)', async () => {
    const boom = textMessage('4911100007', 'throw');
    await postWebhook(t.url, envelope({ messages: [boom] }));
    await t.bot.runtime.idle();
    await t.stop();
    t = await startBotUnderTest({ flows }, { mock: t.mock, dataDir: t.dataDir });
    expect((await t.bot.runtime.parkedMessages()).map((m) => m.id)).toEqual([boom.id]);
  });
});
