import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let bot: ChartbotProcess | undefined;
let mock: MockProvider | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await bot?.kill();
  await mock?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  bot = mock = dataDir = undefined;
});

describe('chartbot start: security configuration', () => {
  it('refuses to start in production without a webhook secret: exit 2 and a message naming the variables', async () => {
    bot = startChartbot({ NODE_ENV: 'production', WHATSAPP_TOKEN: 'token', PORT: '0' });
    expect(await bot.exited).toBe(2);
    expect(bot.output()).toContain('chartbot: NODE_ENV=production but no webhook secret is set (WHATSAPP_APP_SECRET, WHATSAPP_360DIALOG_SECRET or WHATSAPP_WEBHOOK_HEADER + WHATSAPP_WEBHOOK_SECRET)');
    expect(bot.output()).toContain('CHARTBOT_ALLOW_UNSIGNED=true');
  });

  it('runs in production with a shared-secret header, masks phones in its logs, and serves the admin API', async () => {
    mock = await startMockProvider();
    dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-sec-'));
    const port = await freePort();
    bot = startChartbot({
      NODE_ENV: 'production',
      PORT: String(port),
      WHATSAPP_TOKEN: 'provider-token-abc',
      WHATSAPP_API_URL: `${mock.url}/v23.0`,
      WHATSAPP_WEBHOOK_HEADER: 'X-Relay-Secret',
      WHATSAPP_WEBHOOK_SECRET: 'relay-secret-xyz',
      CHARTBOT_MASK_PHONES: 'true',
      CHARTBOT_API_TOKEN: 'admin-token-123',
      CHARTBOT_DATA_DIR: dataDir,
      FLOWS_DIR: './test/fixtures/flows',
      CHARTBOT_FLOW: 'troublemaker',
      LOG_LEVEL: 'debug',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, bot);
    const boom = textMessage('4917000001', 'throw');
    expect((await postWebhook(url, envelope({ messages: [boom] }))).status).toBe(401);
    expect((await postWebhook(url, envelope({ messages: [boom] }), undefined, { 'x-relay-secret': 'relay-secret-xyz' })).status).toBe(200);
    const parked = async () => (await (await fetch(`${url}/api/parked`, { headers: { authorization: 'Bearer admin-token-123' } })).json()) as { parked: Array<{ id: string }> };
    await waitUntil(async () => (await parked()).parked.length === 1, 'the message to be parked');
    expect((await parked()).parked[0]!.id).toBe(boom.id);
    expect((await fetch(`${url}/api/parked`)).status).toBe(401);
    await waitUntil(() => bot!.output().includes('message parked'), 'the parked log line');
    expect(bot.output()).toContain('106540352242922:49******01');
    for (const secret of ['4917000001', 'provider-token-abc', 'relay-secret-xyz', 'admin-token-123']) expect(bot.output()).not.toContain(secret);
  });
});
