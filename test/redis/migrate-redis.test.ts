import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/conversation/load-flows.ts';
import { createBot } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';
import { RedisStore } from '../../src/redis/redis-store.ts';
import { runCli } from '../cli/run-cli.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let redis: RedisServer;
let mock: MockProvider;
beforeEach(async () => {
  redis = await startRedis();
  mock = await startMockProvider();
});
afterEach(async () => {
  await mock.close();
  await redis.stop();
});

describe('chartbot migrate with CHARTBOT_REDIS_URL', () => {
  it('checks and applies a flow version change to the conversations saved in Redis', async () => {
    const bot = await createBot({
      flows: [await loadFlowFile('test/migration/fixtures/v1/shop.ts')],
      provider: cloudApiProvider({ token: 't', baseUrl: `${mock.url}/v23.0` }),
      logger: silentLogger(),
      markRead: false,
      redis: { url: redis.url, prefix: 'migrate:' },
    });
    const { url } = await bot.listen(0);
    const contacts = ['4923000001', '4923000002', '4923000003'];
    await postWebhook(url, envelope({ messages: contacts.map((wa) => textMessage(wa, `note ${wa}`)) }));
    await waitUntil(() => mock.sends().length === 3, 'the three conversations started');
    await bot.close();

    const env = { CHARTBOT_REDIS_URL: redis.url, CHARTBOT_REDIS_PREFIX: 'migrate:', FLOWS_DIR: 'test/migration/fixtures/v2-renamed' };
    const check = await runCli(['migrate', '--check'], '', 30_000, env);
    expect(check.stdout).toContain(`in Redis ${redis.url} (prefix migrate:)`);
    expect(check.stdout).toMatch(/^shop +1 → 2 +menu +3 +migrate$/m);
    expect(check.code).toBe(0);

    const apply = await runCli(['migrate', '--apply'], '', 30_000, env);
    expect(apply.stdout).toContain('applied: 3 saved with the current flow version');
    const store = new RedisStore(redis.client(), 'migrate:');
    for (const wa of contacts) {
      expect(await store.load(`${BUSINESS.phoneNumberId}:${wa}`)).toMatchObject({ flowVersion: 2, snapshot: { value: 'home', context: { note: `note ${wa}` } } });
    }
    // Nothing is left leased by the tool.
    expect(await redis.client().keys('migrate:lease:*')).toEqual([]);
  });
});
