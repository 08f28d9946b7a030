import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flowTokenKey, FlowTokenIssuer } from '../../src/flows-endpoint/flow-token.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { decryptResponse, encryptRequest, exchange, postFlowRequest } from '../helpers/flows-client.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { signBody } from '../../src/webhook/signature.ts';
import { addressFlow } from './address-flow.ts';

const APP_SECRET = 'app-secret-for-tests';
const ADA = '4915111111111';
const BEN = '4915222222222';
let keys: { publicKey: string; privateKey: string };
let otherPublicKey: string;

beforeAll(() => {
  keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  otherPublicKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
});

describe('POST /flows/endpoint (real HTTP, requests built as Meta documents them)', () => {
  let t: BotUnderTest | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  const start = async (): Promise<BotUnderTest> => (t = await startBotUnderTest({ flows: [addressFlow], appSecret: APP_SECRET, flowsEndpoint: { privateKey: keys.privateKey } }));
  /** The contact asks for the form; resolves with the signed flow_token the sent invitation carries. */
  const invite = async (bot: BotUnderTest, waId: string): Promise<string> => {
    const before = bot.mock.sends().length;
    const res = await postWebhook(bot.url, envelope({ messages: [textMessage(waId, 'form')] }), APP_SECRET);
    expect(res.status).toBe(200);
    await waitUntil(() => bot.mock.sends().length > before, 'the flow invitation');
    const sent = bot.mock.sends().at(-1)?.body as { to: string; interactive: { action: { parameters: { flow_token: string; flow_action?: string } } } };
    expect(sent.to).toBe(waId);
    expect(sent.interactive.action.parameters.flow_action).toBe('data_exchange');
    return sent.interactive.action.parameters.flow_token;
  };
  const send = (bot: BotUnderTest, payload: unknown) => exchange(bot.url, payload, keys.publicKey, APP_SECRET);

  it('answers a ping health check with the response encrypted under the flipped IV', async () => {
    const bot = await start();
    const request = encryptRequest({ version: '3.0', action: 'ping' }, keys.publicKey);
    const res = await postFlowRequest(bot.url, request.body, APP_SECRET);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decryptResponse(text, request.aesKey, request.iv)).toEqual({ data: { status: 'active' } });
  });

  it("runs a whole Flow in the contact's machine: INIT, data_exchange, BACK, close; then the token is spent", async () => {
    const bot = await start();
    const token = await invite(bot, ADA);
    expect(token).toMatch(/^cb1\./);
    expect(await send(bot, { version: '3.0', action: 'INIT', flow_token: token })).toEqual({ status: 200, body: { screen: 'ADDRESS', data: { tag: 'delivery' } } });
    expect(await send(bot, { version: '3.0', action: 'data_exchange', screen: 'ADDRESS', data: { postcode: '10115' }, flow_token: token })).toEqual({
      status: 200,
      body: { screen: 'CONFIRM', data: { postcode: '10115' } },
    });
    expect(await send(bot, { version: '3.0', action: 'BACK', screen: 'CONFIRM', flow_token: token })).toEqual({ status: 200, body: { screen: 'ADDRESS', data: {} } });
    expect(await send(bot, { version: '3.0', action: 'data_exchange', screen: 'CONFIRM', data: {}, flow_token: token })).toEqual({
      status: 200,
      body: { screen: 'SUCCESS', data: { extension_message_response: { params: { postcode: '10115', flow_token: token } } } },
    });
    // The machine moved on and said so in the chat.
    await waitUntil(() => bot.mock.sends().some((s) => (s.body.text as { body?: string } | undefined)?.body === 'Thanks, we will deliver there.'), 'the chat reply');
    expect((await bot.bot.runtime.inspect('106540352242922', ADA))?.record.snapshot).toMatchObject({ value: 'ordered', context: { postcode: '10115', exchanges: 2 } });
    const again = await send(bot, { version: '3.0', action: 'data_exchange', screen: 'CONFIRM', data: {}, flow_token: token });
    expect(again).toEqual({ status: 427, body: { error_msg: 'This form was already completed.' } });
  });

  it('answers 421 for a request encrypted with another public key, and for a tampered GCM tag', async () => {
    const bot = await start();
    const token = await invite(bot, ADA);
    const wrongKey = encryptRequest({ version: '3.0', action: 'INIT', flow_token: token }, otherPublicKey);
    const res = await postFlowRequest(bot.url, wrongKey.body, APP_SECRET);
    expect(res.status).toBe(421);
    expect(((await res.json()) as { error: string }).error).toMatch(/does not decrypt with our private key/);

    const tampered = encryptRequest({ version: '3.0', action: 'INIT', flow_token: token }, keys.publicKey);
    const data = Buffer.from(tampered.body.encrypted_flow_data, 'base64');
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0x01; // last byte of the tag
    const res2 = await postFlowRequest(bot.url, { ...tampered.body, encrypted_flow_data: data.toString('base64') }, APP_SECRET);
    expect(res2.status).toBe(421);
    expect(((await res2.json()) as { error: string }).error).toMatch(/failed authentication/);
    // Neither reached the machine.
    expect((await bot.bot.runtime.inspect('106540352242922', ADA))?.record.snapshot).toMatchObject({ context: { exchanges: 0 } });
  });

  it('answers 432 for a missing or wrong X-Hub-Signature-256', async () => {
    const bot = await start();
    const request = encryptRequest({ version: '3.0', action: 'ping' }, keys.publicKey);
    expect((await postFlowRequest(bot.url, request.body)).status).toBe(432);
    const wrong = await postFlowRequest(bot.url, request.body, undefined, signBody('something else', APP_SECRET));
    expect(wrong.status).toBe(432);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/X-Hub-Signature-256/);
  });

  it('answers 427 for a replayed request, an expired token and a token altered to name another contact', async () => {
    const bot = await start();
    const token = await invite(bot, ADA);
    const request = encryptRequest({ version: '3.0', action: 'INIT', flow_token: token }, keys.publicKey);
    expect((await postFlowRequest(bot.url, request.body, APP_SECRET)).status).toBe(200);
    const replay = await postFlowRequest(bot.url, request.body, APP_SECRET);
    expect(replay.status).toBe(427);
    expect(await replay.json()).toEqual({ error_msg: 'This request was already handled.' });

    // Issued with the bot's own key two days ago: its 24 hours are over.
    const key = flowTokenKey(createPrivateKey(keys.privateKey));
    const expired = new FlowTokenIssuer(key, () => Date.now() - 2 * 24 * 60 * 60 * 1000).issue('106540352242922', ADA, 'delivery');
    expect(await send(bot, { version: '3.0', action: 'INIT', flow_token: expired })).toEqual({ status: 427, body: { error_msg: 'This form has expired. Ask for a new one in the chat.' } });

    // Ada's token with Ben's number in it: the signature no longer matches.
    const [prefix, payload, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, w: BEN })).toString('base64url')}.${mac}`;
    expect(await send(bot, { version: '3.0', action: 'INIT', flow_token: forged })).toEqual({ status: 427, body: { error_msg: 'This form is not valid. Ask for a new one in the chat.' } });
    expect(await send(bot, { version: '3.0', action: 'INIT', flow_token: 'unused' })).toMatchObject({ status: 427 });
    expect(await bot.bot.runtime.inspect('106540352242922', BEN)).toBeUndefined();
  });

  it('a machine that throws gets a clear error on its screen, keeps its state, and nobody else is affected', async () => {
    const bot = await start();
    const adaToken = await invite(bot, ADA);
    const benToken = await invite(bot, BEN);
    await send(bot, { version: '3.0', action: 'INIT', flow_token: adaToken });
    const [boom, ben] = await Promise.all([
      send(bot, { version: '3.0', action: 'data_exchange', screen: 'ADDRESS', data: { postcode: 'boom' }, flow_token: adaToken }),
      send(bot, { version: '3.0', action: 'INIT', flow_token: benToken }),
    ]);
    expect(boom).toEqual({ status: 200, body: { screen: 'ADDRESS', data: { error_message: 'Sorry, something went wrong on our side. Please try again.' } } });
    expect(ben).toEqual({ status: 200, body: { screen: 'ADDRESS', data: { tag: 'delivery' } } });
    // Ada can try again: her machine kept its last good state.
    expect(await send(bot, { version: '3.0', action: 'data_exchange', screen: 'ADDRESS', data: { postcode: '20095' }, flow_token: adaToken })).toEqual({
      status: 200,
      body: { screen: 'CONFIRM', data: { postcode: '20095' } },
    });
  });

  it('acknowledges an error notification and tells the machine (flow.error)', async () => {
    const bot = await start();
    const token = await invite(bot, ADA);
    const ack = await send(bot, { version: '3.0', action: 'data_exchange', screen: 'ADDRESS', flow_token: token, data: { error: 'INVALID_SCREEN_TRANSITION', error_message: 'no such screen' } });
    expect(ack).toEqual({ status: 200, body: { data: { acknowledged: true } } });
    await waitUntil(() => bot.mock.sends().some((s) => (s.body.text as { body?: string } | undefined)?.body === 'flow error INVALID_SCREEN_TRANSITION'), 'the flow.error reply');
  });

  it('refuses a body that is not an encrypted Flow request with 400', async () => {
    const bot = await start();
    const res = await postFlowRequest(bot.url, { hello: 'world' }, APP_SECRET);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/encrypted_flow_data/);
  });
});

it('an endpoint invitation from a bot without the Flows endpoint fails with a message saying what to set', async () => {
  const t = await startBotUnderTest({ flows: [addressFlow] });
  try {
    const failures: string[] = [];
    t.bot.runtime.onReply((sent) => sent.error && failures.push(sent.error.title));
    await postWebhook(t.url, envelope({ messages: [textMessage(ADA, 'form')] }));
    await waitUntil(() => failures.length === 1, 'the refused invitation');
    expect(failures[0]).toMatch(/needs the Flows data endpoint: set WHATSAPP_FLOWS_PRIVATE_KEY/);
    expect(t.mock.sends().filter((s) => s.method === 'POST' && s.body.type === 'interactive')).toEqual([]);
  } finally {
    await t.cleanup();
  }
});
