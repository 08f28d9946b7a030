import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, message, postWebhook, status, textMessage } from '../helpers/webhooks.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';

const SECRET = 'app-secret-for-tests';
const flows = [toFlow(echoFlow, 'echo.ts')];

let t: BotUnderTest;
beforeEach(async () => {
  t = await startBotUnderTest({ flows, appSecret: SECRET, verifyToken: 'verify-me', bodyLimit: 64 * 1024 });
});
afterEach(async () => {
  await t.cleanup();
});

const textsSentTo = (to: string) =>
  t.mock
    .sends()
    .filter((r) => r.body.to === to && r.body.type === 'text')
    .map((r) => (r.body.text as { body: string }).body);

describe('POST /webhook', () => {
  it('answers a signed text with a reply and a read receipt through the Cloud API', async () => {
    const inbound = textMessage('4915550001', 'hello');
    const res = await postWebhook(t.url, envelope({ messages: [inbound] }), SECRET);
    expect(res.status).toBe(200);
    await t.bot.runtime.idle();
    expect(t.mock.reads()).toEqual([inbound.id]);
    const send = t.mock.sends()[0]!;
    expect(send.method).toBe('POST');
    expect(send.path).toBe(`/v23.0/${BUSINESS.phoneNumberId}/messages`);
    expect(send.headers.authorization).toBe('Bearer test-token');
    expect(send.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '4915550001',
      type: 'text',
      text: { body: '#1: hello' },
    });
    const readReceipt = t.mock.requests.find((r) => (r.body as { status?: string }).status === 'read')!;
    expect(readReceipt.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: inbound.id });
    expect(readReceipt.path).toBe(`/v23.0/${BUSINESS.phoneNumberId}/messages`);
  });

  it('handles every message of a batched webhook, each contact in its own conversation', async () => {
    const body = envelope({
      messages: [textMessage('111', 'a'), textMessage('222', 'x'), textMessage('111', 'b'), message('333', 'request_welcome')],
    });
    expect((await postWebhook(t.url, body, SECRET)).status).toBe(200);
    await t.bot.runtime.idle();
    expect(textsSentTo('111')).toEqual(['#1: a', '#2: b']);
    expect(textsSentTo('222')).toEqual(['#1: x']);
    expect(textsSentTo('333')).toEqual(['got user.welcome']);
    expect(t.mock.reads()).toHaveLength(4);
  });

  it('keeps per-contact order under concurrent load while contacts proceed in parallel', async () => {
    const contacts = Array.from({ length: 8 }, (_, i) => `4900${i}`);
    const perContact = 15;
    const posts: Promise<Response>[] = [];
    for (let n = 1; n <= perContact; n++) {
      for (const c of contacts) posts.push(postWebhook(t.url, envelope({ messages: [textMessage(c, `m${n}`)] }), SECRET));
    }
    const statuses = (await Promise.all(posts)).map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    await t.bot.runtime.idle();
    for (const c of contacts) {
      expect(textsSentTo(c)).toEqual(Array.from({ length: perContact }, (_, i) => `#${i + 1}: m${i + 1}`));
    }
    expect(t.mock.reads()).toHaveLength(contacts.length * perContact);
  });

  it('never handles a re-delivered message id twice (no second reply, one read receipt)', async () => {
    const inbound = textMessage('555', 'once');
    const body = envelope({ messages: [inbound] });
    await postWebhook(t.url, body, SECRET);
    await postWebhook(t.url, body, SECRET);
    await postWebhook(t.url, envelope({ messages: [inbound, inbound] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('555')).toEqual(['#1: once']);
    expect(t.mock.reads()).toEqual([inbound.id]);
  });

  it('a flow that throws keeps that contact at its last good state; others are unaffected', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('777', 'one'), textMessage('888', 'hi')] }), SECRET);
    const res = await postWebhook(t.url, envelope({ messages: [textMessage('777', 'boom'), textMessage('888', 'there')] }), SECRET);
    expect(res.status).toBe(200);
    await postWebhook(t.url, envelope({ messages: [textMessage('777', 'two')] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('777')).toEqual(['#1: one', '#2: two']);
    expect(textsSentTo('888')).toEqual(['#1: hi', '#2: there']);
    const view = await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '777');
    expect((view?.record.snapshot as { context: { seen: string[] } }).context.seen).toEqual(['one', 'two']);
  });

  it('a final state ends the conversation; the next message starts a fresh one', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('999', 'a'), textMessage('999', 'bye')] }), SECRET);
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [textMessage('999', 'again')] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('999')).toEqual(['#1: a', 'bye!', '#1: again']);
  });

  it('stores statuses per outbound message; a late delivered never overwrites read; failed reaches the machine', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('321', 'hi')] }), SECRET);
    await t.bot.runtime.idle();
    const view = await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '321');
    const [outId] = Object.keys(view!.record.outbound);
    expect(view!.record.outbound[outId!]?.status).toBe('accepted');

    await postWebhook(t.url, envelope({ statuses: [status(outId!, 'read', '321', 1_700_000_100)] }), SECRET);
    await postWebhook(t.url, envelope({ statuses: [status(outId!, 'delivered', '321', 1_700_000_050)] }), SECRET);
    await t.bot.runtime.idle();
    expect((await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '321'))!.record.outbound[outId!]).toMatchObject({
      status: 'read',
      at: 1_700_000_100_000,
    });

    const failed = status('wamid.other', 'failed', '321', 1_700_000_200, { errors: [{ code: 131026, title: 'Message undeliverable' }] });
    await postWebhook(t.url, envelope({ statuses: [failed] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('321')).toEqual(['#1: hi', 'failed 131026: Message undeliverable']);
  });

  it('statuses for contacts the bot never talked to are ignored: no record is created', async () => {
    const strangers = Array.from({ length: 20 }, (_, i) => status(`wamid.elsewhere.${i}`, 'delivered', `4930000${i}`));
    expect((await postWebhook(t.url, envelope({ statuses: strangers }), SECRET)).status).toBe(200);
    await t.bot.runtime.idle();
    expect(await t.bot.runtime.store.keys()).toEqual([]);
  });

  it('a reply the provider refuses becomes bot.failed for that contact', async () => {
    t.mock.failNext(
      { status: 200, body: { success: true } }, // the read receipt
      { status: 400, body: { error: { message: '(#131047) Re-engagement message', code: 131047, type: 'OAuthException' } } },
    );
    await postWebhook(t.url, envelope({ messages: [textMessage('654', 'late')] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('654').at(-1)).toBe('failed 131047: (#131047) Re-engagement message');
  });
});

describe('bad input', () => {
  it('malformed JSON → 400 with the reason', async () => {
    const res = await postWebhook(t.url, '{"object": "whatsapp_business_account", "entry": [', SECRET);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^malformed JSON/);
  });

  it('missing or wrong signature → 401 and nothing processed', async () => {
    const body = envelope({ messages: [textMessage('1', 'sneaky')] });
    expect((await postWebhook(t.url, body)).status).toBe(401);
    expect((await postWebhook(t.url, body, 'wrong-secret')).status).toBe(401);
    const raw = JSON.stringify(body);
    const tampered = await postWebhook(t.url, raw.replace('sneaky', 'SNEAKY'), undefined, {
      'x-hub-signature-256': (await import('../../src/webhook/signature.ts')).signBody(raw, SECRET),
    });
    expect(tampered.status).toBe(401);
    await t.bot.runtime.idle();
    expect(t.mock.requests).toHaveLength(0);
    expect(await t.bot.runtime.store.keys()).toEqual([]);
  });

  it('oversized body → 413', async () => {
    const huge = envelope({ messages: [textMessage('1', 'x'.repeat(100 * 1024))] });
    expect((await postWebhook(t.url, huge, SECRET)).status).toBe(413);
  });

  it('JSON that is not a webhook → 400; a valid envelope with unknown content → 200', async () => {
    expect((await postWebhook(t.url, [1, 2, 3], SECRET)).status).toBe(400);
    const odd = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }],
    };
    expect((await postWebhook(t.url, odd, SECRET)).status).toBe(200);
    expect((await postWebhook(t.url, { object: 'whatsapp_business_account', entry: [] }, SECRET)).status).toBe(200);
    // and the server still serves valid traffic
    await postWebhook(t.url, envelope({ messages: [textMessage('2', 'still here')] }), SECRET);
    await t.bot.runtime.idle();
    expect(textsSentTo('2')).toEqual(['#1: still here']);
  });
});

describe('GET /webhook and /health', () => {
  it('answers Meta’s subscription challenge with the challenge as plain text', async () => {
    const ok = await fetch(`${t.url}/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${t.url}/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
    const noMode = await fetch(`${t.url}/webhook?hub.verify_token=verify-me&hub.challenge=1`);
    expect(noMode.status).toBe(403);
  });

  it('health is 200 while running and lists the flows', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', flows: ['echo'] });
  });

  it('unsigned posts are refused when a secret is set, but a bot without a secret accepts them', async () => {
    const open = await startBotUnderTest({ flows });
    try {
      expect((await postWebhook(open.url, envelope({ messages: [textMessage('5', 'x')] }))).status).toBe(200);
    } finally {
      await open.cleanup();
    }
  });
});

