import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flowsDir } from '../../scripts/chaos/run-chaos.ts';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let redis: RedisServer;
let mock: MockProvider;
let dataDir: string;
const bots: ChartbotProcess[] = [];

beforeEach(async () => {
  redis = await startRedis();
  mock = await startMockProvider();
  dataDir = await mkdtemp(join(tmpdir(), 'chartbot-redis-start-'));
});
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.kill();
  await mock.close();
  await redis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** `chartbot start` configured only from the environment, on the test's Redis (the ledger flow answers "ok <text>"). */
async function start(): Promise<{ bot: ChartbotProcess; url: string }> {
  const port = await freePort();
  const bot = startChartbot({
    PORT: String(port),
    WHATSAPP_PROVIDER: 'cloud',
    WHATSAPP_TOKEN: 'tok',
    WHATSAPP_API_URL: `${mock.url}/v23.0`,
    CHARTBOT_DATA_DIR: dataDir,
    CHARTBOT_REDIS_URL: redis.url,
    CHARTBOT_REDIS_PREFIX: 'proc:',
    CHARTBOT_REDIS_LEASE_MS: '1000',
    CHARTBOT_MARK_READ: 'false',
    FLOWS_DIR: flowsDir,
  });
  bots.push(bot);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, bot);
  return { bot, url };
}

const texts = () => mock.sends().map((send) => (send.body.text as { body: string }).body);

describe('chartbot start with CHARTBOT_REDIS_URL (the process, as deployed)', () => {
  it('two processes share one contact through Redis: /health says "store":"redis", replies in order, the data dir stays empty, SIGTERM exits 0', async () => {
    const [a, b] = [await start(), await start()];
    for (const { url } of [a, b]) expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', store: 'redis' });
    expect((await postWebhook(a.url, envelope({ messages: [textMessage('4931000001', 'one', 'wamid.proc.1')] }))).status).toBe(200);
    await waitUntil(() => texts().includes('ok one'), 'the first reply', 10_000);
    expect((await postWebhook(b.url, envelope({ messages: [textMessage('4931000001', 'two', 'wamid.proc.2')] }))).status).toBe(200);
    await waitUntil(() => texts().includes('ok two'), 'the second reply, from the other process', 10_000);
    expect(texts().filter((text) => text.startsWith('ok '))).toEqual(['ok one', 'ok two']);
    // Everything lives in Redis, under the prefix: the record holds both messages, in order.
    const record = JSON.parse((await redis.client().hget('proc:c:106540352242922:4931000001', 'rec')) ?? '{}') as { snapshot?: { context?: { ledger?: string[] } } };
    expect(record.snapshot?.context?.ledger).toEqual(['one', 'two']);
    expect(await readdir(dataDir)).toEqual([]);
    for (const { bot } of [a, b]) bot.child.kill('SIGTERM');
    expect(await Promise.all([a.bot.exited, b.bot.exited])).toEqual([0, 0]);
  }, 40_000);
});
