import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/testing/fake-clock.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { driveClock } from '../helpers/drive-clock.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { deliveryFlow } from './delivery-flow.ts';

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const TOKEN = 'outage-test-token';

/** Texts the gateway accepted (answered 200), per recipient, in order. */
const accepted = new Map<string, string[]>();

/** A gateway that answers 500 until `until` on the bot's (fake) clock, and normally afterwards. */
async function startFlakyGateway(clock: FakeClock, until: () => number) {
  accepted.clear();
  return startMockProvider({
    answer: (request) => {
      if (clock.now() < until()) return { status: 500, body: { error: { message: 'Internal error', code: 1, is_transient: true } } };
      const body = request.body as { to?: string; text?: { body: string } } | null;
      if (body?.to && body.text) accepted.set(body.to, [...(accepted.get(body.to) ?? []), body.text.body]);
      return undefined;
    },
  });
}

const texts = (t: BotUnderTest, to: string) =>
  t.mock.sends().filter((r) => r.body.to === to && r.body.type === 'text').map((r) => (r.body.text as { body: string }).body);

describe('a gateway outage', () => {
  it('loses no reply: 100 replies decided during 30 s of 500s are all delivered afterwards, once, in order per contact; read receipts are dropped and counted', async () => {
    const clock = new FakeClock();
    const outageEnd = clock.now() + 30_000;
    const mock = await startFlakyGateway(clock, () => outageEnd);
    t = await startBotUnderTest({ flows: [deliveryFlow], clock }, { mock });
    const contacts = Array.from({ length: 20 }, (_, i) => `49160000${String(i).padStart(3, '0')}`);
    for (let n = 0; n < 5; n++) {
      const batch = contacts.map((wa) => ({ ...textMessage(wa, `m${n}`), timestamp: String(Math.floor(clock.now() / 1000)) }));
      expect((await postWebhook(t.url, envelope({ messages: batch }))).status).toBe(200);
    }
    await driveClock(clock, t.bot.runtime.idle(), 5000);
    expect(clock.now()).toBeGreaterThanOrEqual(outageEnd);
    // Every reply accepted once and in order, for every contact; the machine never heard of a failure.
    for (const wa of contacts) expect(accepted.get(wa)).toEqual(['echo: m0', 'echo: m1', 'echo: m2', 'echo: m3', 'echo: m4']);
    for (const wa of contacts) {
      const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, wa))!.record;
      expect(record.outbox).toBeUndefined();
      expect(Object.values(record.outbound).filter((o) => o.status === 'accepted')).toHaveLength(5);
      expect((record.snapshot as { context: { failures: unknown[] } }).context.failures).toEqual([]);
    }
    expect(t.bot.runtime.readReceipts).toEqual({ sent: 0, failed: 100 });
  });

  it('a reply given up after retries reaches the machine as bot.failed and is parked; POST /api/parked/{id}/retry sends it', async () => {
    const clock = new FakeClock();
    let outageEnd = Infinity;
    const mock = await startFlakyGateway(clock, () => outageEnd);
    t = await startBotUnderTest({ flows: [deliveryFlow], clock, apiToken: TOKEN, markRead: false, delivery: { retry: { giveUpAfterMs: 60_000 } } }, { mock });
    const wa = '4916000099';
    await postWebhook(t.url, envelope({ messages: [{ ...textMessage(wa, 'hello'), timestamp: String(Math.floor(clock.now() / 1000)) }] }));
    await driveClock(clock, t.bot.runtime.idle(), 5000);
    // The reply, and the machine's answer to bot.failed, which could not be sent either.
    const parked = await t.bot.runtime.parkedMessages();
    expect(parked).toEqual([
      expect.objectContaining({ kind: 'reply', message: expect.objectContaining({ text: { body: 'echo: hello' } }), code: 1 }),
      expect.objectContaining({ kind: 'reply', message: expect.objectContaining({ text: { body: expect.stringMatching(/^failed 1/) } }) }),
    ]);
    const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, wa))!.record;
    expect((record.snapshot as { context: { failures: Array<{ code: number }> } }).context.failures).toEqual([{ code: 1, title: expect.any(String) }]);

    outageEnd = clock.now(); // the gateway is back
    const retry = await fetch(`${t.url}/api/parked/${parked[0]!.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ status: 'delivered' });
    expect(accepted.get(wa)).toEqual(['echo: hello']);
    expect((await t.bot.runtime.parkedMessages()).map((p) => p.id)).toEqual([parked[1]!.id]);
  });

  it('other contacts are not held up while one contact’s reply waits for its next attempt', async () => {
    const clock = new FakeClock();
    const mock = await startMockProvider({
      answer: (request) => ((request.body as { to?: string } | null)?.to === '4916000001' ? { status: 503, body: 'Service Unavailable', headers: { 'retry-after': '3600' } } : undefined),
    });
    t = await startBotUnderTest({ flows: [deliveryFlow], clock, markRead: false }, { mock });
    const stamp = String(Math.floor(clock.now() / 1000));
    await postWebhook(t.url, envelope({ messages: [{ ...textMessage('4916000001', 'stuck'), timestamp: stamp }] }));
    await postWebhook(t.url, envelope({ messages: [{ ...textMessage('4916000002', 'free'), timestamp: stamp }] }));
    // No clock movement at all: the free contact is answered while the other waits an hour.
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(t, '4916000002')).toEqual(['echo: free']);
    expect(t.bot.runtime.retrying).toBe(1);
    // The stuck contact's next message is processed (state saved) and its reply queued behind.
    await postWebhook(t.url, envelope({ messages: [{ ...textMessage('4916000001', 'again'), timestamp: stamp }] }));
    await new Promise((r) => setTimeout(r, 100));
    const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '4916000001'))!.record;
    expect(record.outbox?.map((e) => (e.message as { text: { body: string } }).text.body)).toEqual(['echo: stuck', 'echo: again']);
    expect(record.outbox?.[0]?.nextAttemptAt).toBeGreaterThanOrEqual(clock.now() + 3_600_000);
  });
});
