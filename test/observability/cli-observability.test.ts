import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { SUPPORT_FLOW_DIR } from '../helpers/example-flow.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { parseSamples, sampleValue } from '../helpers/prometheus-text.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import type { HistoryResponse } from '../../src/observability/history-router.ts';

let bot: ChartbotProcess | undefined;
let mock: MockProvider | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await bot?.kill();
  await mock?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  bot = mock = dataDir = undefined;
});

describe('chartbot start with CHARTBOT_METRICS, CHARTBOT_METRICS_TOKEN, CHARTBOT_HISTORY_SIZE and CHARTBOT_HISTORY_TEXT', () => {
  it('serves /metrics behind its token and a bounded history with text', async () => {
    mock = await startMockProvider();
    dataDir = await mkdtemp(join(tmpdir(), 'chartbot-observability-'));
    const port = await freePort();
    bot = startChartbot({
      PORT: String(port),
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_TOKEN: 'tok',
      WHATSAPP_API_URL: `${mock.url}/v23.0`,
      WHATSAPP_APP_SECRET: 'secret',
      CHARTBOT_DATA_DIR: dataDir,
      FLOWS_DIR: SUPPORT_FLOW_DIR,
      CHARTBOT_API_TOKEN: 'api-token',
      CHARTBOT_METRICS: 'true',
      CHARTBOT_METRICS_TOKEN: 'scrape-token',
      CHARTBOT_HISTORY_SIZE: '2',
      CHARTBOT_HISTORY_TEXT: 'true',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, bot);
    const waId = '4915550003001';
    for (const words of ['hi', 'hello', 'hey']) expect((await postWebhook(url, envelope({ messages: [textMessage(waId, words)] }), 'secret')).status).toBe(200);
    await mock.waitFor(6); // a read receipt and a reply for each

    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer scrape-token' } });
    expect(scrape.status).toBe(200);
    expect(sampleValue(parseSamples(await scrape.text()), 'chartbot_messages_received_total', { kind: 'text' })).toBe(3);

    const res = await fetch(`${url}/api/sessions/${BUSINESS.phoneNumberId}/${waId}/history`, { headers: { authorization: 'Bearer api-token' } });
    const body = (await res.json()) as HistoryResponse;
    expect(body.size).toBe(2);
    expect(body.text).toBe(true);
    expect(body.entries.map((e) => e.text)).toEqual(['hello', 'hey']);
  });
});

describe('the observability configuration', () => {
  const base = { WHATSAPP_TOKEN: 'token', WHATSAPP_APP_SECRET: 'secret' };

  it('is off and private by default', () => {
    const config = loadConfig(base);
    expect([config.metrics, config.metricsToken, config.historySize, config.historyText]).toEqual([false, undefined, 50, false]);
  });

  it('says what is wrong with a history size, and warns about a token without metrics or open metrics in production', () => {
    expect(() => loadConfig({ ...base, CHARTBOT_HISTORY_SIZE: 'ten' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CHARTBOT_HISTORY_SIZE: 'ten' })).toThrow(/CHARTBOT_HISTORY_SIZE: must be a whole number/);
    expect(() => loadConfig({ ...base, CHARTBOT_HISTORY_SIZE: '5000' })).toThrow(/CHARTBOT_HISTORY_SIZE: at most 1000/);
    expect(loadConfig({ ...base, CHARTBOT_HISTORY_SIZE: '0' }).historySize).toBe(0);
    expect(loadConfig({ ...base, CHARTBOT_METRICS_TOKEN: 't' }).warnings.join('\n')).toMatch(/CHARTBOT_METRICS_TOKEN is set but CHARTBOT_METRICS is not true/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', CHARTBOT_METRICS: 'true' }).warnings.join('\n')).toMatch(/without CHARTBOT_METRICS_TOKEN/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', CHARTBOT_METRICS: 'true', CHARTBOT_METRICS_TOKEN: 't' }).warnings).toEqual([]);
  });
});
