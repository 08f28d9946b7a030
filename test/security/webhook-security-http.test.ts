import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { signBody } from '../../src/webhook/signature.ts';

const flows = [toFlow(echoFlow, 'echo.ts')];
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const repliesTo = (to: string) => t!.mock.sends().filter((r) => r.body.to === to).length;
const post = (raw: string, headers: Record<string, string>) => fetch(`${t!.url}/webhook`, { method: 'POST', headers, body: raw });

describe('webhook authentication over HTTP', () => {
  it('360dialog: a body signed with the partner secret (hex or base64) is answered; a bad signature is 401 and not processed', async () => {
    t = await startBotUnderTest({ flows, dialog360Secret: 'platform-secret' });
    const sign = (raw: string, encoding: 'hex' | 'base64') => createHmac('sha256', 'platform-secret').update(raw).digest(encoding);
    const hex = JSON.stringify(envelope({ messages: [textMessage('4912000001', 'hex')] }));
    const b64 = JSON.stringify(envelope({ messages: [textMessage('4912000002', 'b64')] }));
    const bad = JSON.stringify(envelope({ messages: [textMessage('4912000003', 'bad')] }));
    const json = { 'content-type': 'application/json' };
    expect((await post(hex, { ...json, 'x-360dialog-signature': sign(hex, 'hex') })).status).toBe(200);
    expect((await post(b64, { ...json, 'x-360dialog-signature': sign(b64, 'base64') })).status).toBe(200);
    const refused = await post(bad, { ...json, 'x-360dialog-signature': sign(hex, 'hex') });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: expect.stringContaining('x-360dialog-signature') });
    expect((await post(bad, json)).status).toBe(401);
    await t.bot.runtime.idle();
    expect([repliesTo('4912000001'), repliesTo('4912000002'), repliesTo('4912000003')]).toEqual([1, 1, 0]);
  });

  it('a shared-secret header admits the gateway that sends it and nobody else', async () => {
    t = await startBotUnderTest({ flows, webhookHeader: { name: 'X-Gateway-Token', secret: 'long-random-secret' } });
    const ok = envelope({ messages: [textMessage('4912000004', 'hi')] });
    expect((await postWebhook(t.url, ok, undefined, { 'x-gateway-token': 'long-random-secret' })).status).toBe(200);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage('4912000005', 'hi')] }), undefined, { 'x-gateway-token': 'long-random-secre' })).status).toBe(401);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage('4912000005', 'hi')] }))).status).toBe(401);
    await t.bot.runtime.idle();
    expect([repliesTo('4912000004'), repliesTo('4912000005')]).toEqual([1, 0]);
  });

  it('with an app secret, a 360dialog signature made with the same secret is not enough (only configured checks count)', async () => {
    t = await startBotUnderTest({ flows, appSecret: 'app-secret' });
    const raw = JSON.stringify(envelope({ messages: [textMessage('4912000006', 'hi')] }));
    const sig = createHmac('sha256', 'app-secret').update(raw).digest('hex');
    expect((await post(raw, { 'content-type': 'application/json', 'x-360dialog-signature': sig })).status).toBe(401);
    expect((await post(raw, { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig}` })).status).toBe(200);
  });
});

describe('Meta signature on the raw bytes', () => {
  it('accepts the exact bytes Meta signed (escapes, whitespace) and refuses the same JSON re-serialised', async () => {
    t = await startBotUnderTest({ flows, appSecret: 'app-secret' });
    const canonical = JSON.stringify(envelope({ messages: [textMessage('4912000010', 'café')] }));
    const asSent = canonical.replace('café', 'caf\\u00e9').replace(/,/g, ', '); // Meta escapes non-ASCII
    expect(JSON.parse(asSent)).toEqual(JSON.parse(canonical));
    const signature = signBody(asSent, 'app-secret');
    expect((await post(canonical, { 'content-type': 'application/json', 'x-hub-signature-256': signature })).status).toBe(401);
    expect((await post(asSent, { 'content-type': 'application/json', 'x-hub-signature-256': signature })).status).toBe(200);
    await t.bot.runtime.idle();
    expect(t.mock.sends().map((r) => (r.body.text as { body: string }).body)).toEqual(['#1: café']);
  });
});

describe('webhook body sanity over HTTP', () => {
  it('refuses non-JSON content types with 415 and accepts JSON with a charset', async () => {
    t = await startBotUnderTest({ flows });
    const raw = JSON.stringify(envelope({ messages: [textMessage('4912000007', 'hi')] }));
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await post(raw, { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(await res.json()).toEqual({ error: 'content-type must be application/json' });
    }
    expect((await fetch(`${t.url}/webhook`, { method: 'POST', body: new Uint8Array(Buffer.from(raw)) })).status).toBe(415); // no content-type at all
    expect((await post(raw, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    await t.bot.runtime.idle();
    expect(repliesTo('4912000007')).toBe(1);
  });

  it('refuses JSON nested deeper than 32 levels with 400, also inside a valid envelope', async () => {
    t = await startBotUnderTest({ flows });
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const res = await post(deep, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'JSON nested deeper than 32 levels' });
    const inner = textMessage('4912000008', 'deep');
    (inner as { extra?: unknown }).extra = JSON.parse('['.repeat(40) + ']'.repeat(40));
    expect((await postWebhook(t.url, envelope({ messages: [inner] }))).status).toBe(400);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage('4912000009', 'fine')] }))).status).toBe(200);
  });
});
