import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/conversation/load-flows.ts';
import { SHOP_DEMO_NUMBER } from '../../flows/shop.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { exchange } from '../helpers/flows-client.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { envelope, flowReply, message, postWebhook, textMessage } from '../helpers/webhooks.ts';

const SECRET = 'shop-app-secret';
const SHOP = { phoneNumberId: SHOP_DEMO_NUMBER, display: '15550001234' };
const SUPPORT = { phoneNumberId: '106540352242922', display: '15550783881' };
const ADA = '4915550003';
let keys: { publicKey: string; privateKey: string };
let t: BotUnderTest | undefined;

beforeAll(() => {
  keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
});
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

it('the example shop over real HTTP: catalog, product list, cart, encrypted Flow exchanges, confirmation with the total; support still answers other numbers', async () => {
  // Both example flows, as `npm start` loads them: the shop serves its number, support every other.
  // By file, not the flows/ folder: flows a user adds there must not change this test.
  const flows = [await loadFlowFile('flows/shop.ts'), await loadFlowFile('flows/support.ts')];
  t = await startBotUnderTest({ flows, appSecret: SECRET, flowsEndpoint: { privateKey: keys.privateKey } });
  const bot = t;
  const sends = () => bot.mock.sends().filter((s) => s.method === 'POST' && s.body.to === ADA);
  const post = async (body: unknown) => expect((await postWebhook(bot.url, body, SECRET)).status).toBe(200);

  await post(envelope({ messages: [textMessage(ADA, 'hi')] }, SHOP));
  await waitUntil(() => sends().length === 2, 'the catalog and the product list');
  expect(sends().map((s) => (s.body.interactive as { type: string }).type)).toEqual(['catalog_message', 'product_list']);
  expect(sends().every((s) => s.path === `/v23.0/${SHOP_DEMO_NUMBER}/messages`)).toBe(true);

  const cart = { catalog_id: '146265584024623', product_items: [{ product_retailer_id: 'beans-1kg', quantity: 2, item_price: 24, currency: 'EUR' }] };
  await post(envelope({ messages: [message(ADA, 'order', { order: cart })] }, SHOP));
  await waitUntil(() => sends().length === 3, 'the delivery Flow invitation');
  const invitation = sends()[2]?.body.interactive as { body: { text: string }; action: { parameters: { flow_token: string; flow_action: string } } };
  expect(invitation.body.text).toBe('Your cart: 2 items, 48.00 EUR. Where should we deliver it?');
  const token = invitation.action.parameters.flow_token;
  expect(token).toMatch(/^cb1\./);

  const ask = (payload: Record<string, unknown>) => exchange(bot.url, { version: '3.0', flow_token: token, ...payload }, keys.publicKey, SECRET);
  expect(await ask({ action: 'INIT' })).toEqual({ status: 200, body: { screen: 'ADDRESS', data: {} } });
  const address = { name: 'Ada', street: 'Main 1', postcode: '10115', city: 'Berlin' };
  expect(await ask({ action: 'data_exchange', screen: 'ADDRESS', data: address })).toEqual({
    status: 200,
    body: { screen: 'SUMMARY', data: { lines: '2 × Espresso beans 1 kg: 48.00 EUR', delivery: '4.90 EUR', total: '52.90 EUR', address: 'Ada, Main 1, 10115 Berlin' } },
  });
  expect(await ask({ action: 'data_exchange', screen: 'SUMMARY', data: {} })).toEqual({
    status: 200,
    body: { screen: 'SUCCESS', data: { extension_message_response: { params: { order: 'B-1', flow_token: token } } } },
  });

  // WhatsApp then sends the completion to the chat (nfm_reply).
  await post(envelope({ messages: [flowReply(ADA, { order: 'B-1', flow_token: token })] }, SHOP));
  await waitUntil(() => sends().length === 4, 'the confirmation');
  expect((sends()[3]?.body.text as { body: string }).body).toBe(
    'Order B-1 is confirmed. Thank you!\n2 × Espresso beans 1 kg: 48.00 EUR\nDelivery: 4.90 EUR\nTotal: 52.90 EUR\nTo: Ada, Main 1, 10115 Berlin',
  );

  // The same contact writing to the support number talks to the support bot.
  await post(envelope({ messages: [textMessage(ADA, 'hi')] }, SUPPORT));
  await waitUntil(() => sends().length === 5, 'the support menu');
  expect(sends()[4]).toMatchObject({ path: `/v23.0/${SUPPORT.phoneNumberId}/messages`, body: { interactive: { type: 'button' } } });
});
