import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { consoleProvider } from '../../src/providers/console.ts';
import { buttons } from '../../src/messages/builders.ts';
import { createProvider, createProviderSelection, type ProviderSelection } from '../../src/providers/create-provider.ts';
import { createBot, type Bot } from '../../src/server/create-bot.ts';
import { startMockProvider, type MockAnswer, type MockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { deliveryFlow } from '../delivery/delivery-flow.ts';

const CLOUD_NUMBER = { phoneNumberId: '100000000000001', display: '15550000001' };
const D7_NUMBER = { phoneNumberId: '100000000000002', display: '971500000002' };
const D360_NUMBER = { phoneNumberId: '100000000000003', display: '4930000003' };

const d7Answers = (request: RecordedRequest): MockAnswer | undefined =>
  request.path === '/whatsapp/v2/send' ? { status: 200, body: { request_id: 'd7-req-1' } } : { status: 200, body: { status: 'ok' } };

describe('several business numbers on different gateways in one process (WHATSAPP_NUMBERS)', () => {
  let cloud: MockProvider;
  let d7: MockProvider;
  let d360: MockProvider;
  let selection: ProviderSelection;
  let bot: Bot;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    [cloud, d7, d360] = await Promise.all([startMockProvider(), startMockProvider({ answer: d7Answers }), startMockProvider()]);
    const config = loadConfig({
      WHATSAPP_TOKEN: 'meta-token',
      WHATSAPP_API_URL: `${cloud.url}/v23.0`,
      WHATSAPP_NUMBERS: JSON.stringify({
        [D7_NUMBER.phoneNumberId]: { provider: 'd7', token: 'd7-token', sender: D7_NUMBER.display, apiUrl: d7.url },
        [D360_NUMBER.phoneNumberId]: { provider: '360dialog', token: 'd360-key', apiUrl: d360.url },
      }),
    });
    selection = createProviderSelection(config);
    dataDir = await mkdtemp(join(tmpdir(), 'chartbot-numbers-'));
    bot = await createBot({ flows: [deliveryFlow], provider: selection.forNumber, dataDir, logger: silentLogger() });
    ({ url } = await bot.listen(0));
  });
  afterAll(async () => {
    await bot.close();
    await selection.close();
    await Promise.all([cloud.close(), d7.close(), d360.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('routes each number’s read receipt and reply to its own gateway in its own wire format', async () => {
    const toCloud = textMessage('111', 'via cloud');
    const toD7 = textMessage('222', 'via d7');
    const toD360 = textMessage('333', 'via 360');
    // D7's inbound webhook is undocumented: chartbot accepts the Cloud API envelope on /webhook for D7 numbers too.
    await postWebhook(url, envelope({ messages: [toCloud] }, CLOUD_NUMBER));
    await postWebhook(url, envelope({ messages: [toD7] }, D7_NUMBER));
    await postWebhook(url, envelope({ messages: [toD360] }, D360_NUMBER));
    await bot.runtime.idle();

    // The read receipt and the reply run concurrently: compare without order.
    const seen = (mock: MockProvider, header: string) => mock.requests.map((r) => [r.method, r.path, r.headers[header], r.body]);
    expect(cloud.requests).toHaveLength(2);
    expect(d7.requests).toHaveLength(2);
    expect(d360.requests).toHaveLength(2);
    expect(seen(cloud, 'authorization')).toEqual(expect.arrayContaining([
      ['POST', `/v23.0/${CLOUD_NUMBER.phoneNumberId}/messages`, 'Bearer meta-token', { messaging_product: 'whatsapp', status: 'read', message_id: toCloud.id }],
      ['POST', `/v23.0/${CLOUD_NUMBER.phoneNumberId}/messages`, 'Bearer meta-token', { messaging_product: 'whatsapp', recipient_type: 'individual', to: '111', type: 'text', text: { body: 'echo: via cloud' } }],
    ]));
    expect(seen(d7, 'authorization')).toEqual(expect.arrayContaining([
      ['POST', `/whatsapp/v2/read-receipt/${String(toD7.id)}`, 'Bearer d7-token', null],
      [
        'POST',
        '/whatsapp/v2/send',
        'Bearer d7-token',
        {
          messages: [
            {
              originator: D7_NUMBER.display,
              recipients: [{ recipient: '222', recipient_type: 'individual' }],
              content: { message_type: 'TEXT', text: { body: 'echo: via d7' } },
            },
          ],
        },
      ],
    ]));
    expect(seen(d360, 'd360-api-key')).toEqual(expect.arrayContaining([
      ['POST', '/messages', 'd360-key', { messaging_product: 'whatsapp', status: 'read', message_id: toD360.id }],
      ['POST', '/messages', 'd360-key', { messaging_product: 'whatsapp', recipient_type: 'individual', to: '333', type: 'text', text: { body: 'echo: via 360' } }],
    ]));
    // The D7 send id is what statuses are tracked under.
    expect(await bot.runtime.messageStatus(D7_NUMBER.phoneNumberId, '222', 'd7-req-1')).toMatchObject({ status: 'accepted', type: 'text' });
  });

  it('answers 400 to a body that is not a Cloud API envelope (the documented D7 gap) and sends nothing', async () => {
    const before = d7.requests.length;
    const res = await postWebhook(url, { from: '222', message: { type: 'TEXT', text: 'hi' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not a WhatsApp webhook/);
    await bot.runtime.idle();
    expect(d7.requests.length).toBe(before);
  });
});

describe('createProvider', () => {
  it.each([
    ['cloud', 'cloud'],
    ['360dialog', '360dialog'],
    ['d7', 'd7'],
    ['console', 'console'],
  ] as const)('WHATSAPP_PROVIDER=%s gives the %s adapter', async (name, expected) => {
    const provider = createProvider({ provider: name, token: 't', apiUrl: 'http://127.0.0.1:9', sender: '971500000002' });
    expect(provider.name).toBe(expected);
    await provider.close?.();
  });

  it('the console provider prints what would be sent as a person reads it, and makes up ids', async () => {
    const lines: string[] = [];
    const provider = consoleProvider((line) => lines.push(line));
    const { messageId } = await provider.send({ businessNumberId: 'N1', to: '42', message: { type: 'text', text: { body: 'hi' } } });
    const menu = buttons('Coffee or tea?', [
      { id: 'coffee', title: 'Coffee' },
      { id: 'tea', title: 'Tea' },
    ]);
    await provider.send({ businessNumberId: 'N1', to: '42', message: menu });
    await provider.markRead({ businessNumberId: 'N1', messageId: 'wamid.in' });
    expect(messageId).toMatch(/^console\./);
    expect(lines).toEqual(['→ 42 (from N1): hi', '→ 42 (from N1): Coffee or tea?\n    [Coffee] [Tea]', '✓ read wamid.in']);
  });
});

describe('provider configuration', () => {
  it('reads WHATSAPP_SENDER, CHARTBOT_API_TOKEN and CHARTBOT_THROUGHPUT_MPS', () => {
    const config = loadConfig({
      WHATSAPP_PROVIDER: 'd7',
      WHATSAPP_TOKEN: 'd7-token',
      WHATSAPP_SENDER: '971500000002',
      CHARTBOT_API_TOKEN: 'api-secret',
      CHARTBOT_THROUGHPUT_MPS: '20',
    });
    expect(config).toMatchObject({ provider: 'd7', sender: '971500000002', apiToken: 'api-secret', throughputMps: 20, apiUrl: 'https://api.d7networks.com', numbers: {} });
    expect(loadConfig({ WHATSAPP_TOKEN: 't' })).toMatchObject({ throughputMps: 80 });
    expect(loadConfig({ WHATSAPP_TOKEN: 't' }).apiToken).toBeUndefined();
  });

  it.each([
    { env: { WHATSAPP_PROVIDER: 'd7', WHATSAPP_TOKEN: 't' }, error: /WHATSAPP_PROVIDER=d7 needs WHATSAPP_SENDER/ },
    { env: { WHATSAPP_PROVIDER: 'd7' }, error: /needs WHATSAPP_TOKEN \(the D7 API token\)/ },
    { env: { WHATSAPP_TOKEN: 't', CHARTBOT_THROUGHPUT_MPS: 'fast' }, error: /CHARTBOT_THROUGHPUT_MPS: must be a whole number/ },
    { env: { WHATSAPP_TOKEN: 't', CHARTBOT_THROUGHPUT_MPS: '0' }, error: /CHARTBOT_THROUGHPUT_MPS/ },
    { env: { WHATSAPP_TOKEN: 't', WHATSAPP_NUMBERS: '{nope' }, error: /WHATSAPP_NUMBERS must be JSON/ },
    { env: { WHATSAPP_TOKEN: 't', WHATSAPP_NUMBERS: '{"1":{"provider":"d7","token":"x"}}' }, error: /WHATSAPP_NUMBERS\.1: provider d7 needs a sender/ },
    { env: { WHATSAPP_TOKEN: 't', WHATSAPP_NUMBERS: '{"1":{"provider":"cloud"}}' }, error: /WHATSAPP_NUMBERS\.1: provider cloud needs a token/ },
    { env: { WHATSAPP_TOKEN: 't', WHATSAPP_NUMBERS: '{"1":{"provider":"telegram","token":"x"}}' }, error: /invalid WHATSAPP_NUMBERS: 1\.provider/ },
  ])('refuses $env with a message naming the variable', ({ env, error }) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(error);
  });
});
