import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import echo from '../fixtures/flows/echo.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { createBot, type Bot } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';
import { RedisStore } from '../../src/redis/redis-store.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const flows = [toFlow(echo, 'echo.ts')];
let redis: RedisServer;
let mock: MockProvider;
const bots: Bot[] = [];
const prefix = 'test:';

beforeEach(async () => {
  redis = await startRedis();
  mock = await startMockProvider();
});
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close().catch(() => {});
  await mock.close();
  await redis.stop();
});

/** One instance of the bot on the shared Redis, listening on an ephemeral loopback port. */
async function instance(options: { leaseMs?: number } = {}): Promise<{ bot: Bot; url: string }> {
  const bot = await createBot({
    flows,
    provider: cloudApiProvider({ token: 't', baseUrl: `${mock.url}/v23.0` }),
    logger: silentLogger(),
    markRead: false,
    redis: { url: redis.url, prefix, pollMs: 50, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) },
  });
  bots.push(bot);
  const { url } = await bot.listen(0);
  return { bot, url };
}

const textsTo = (to: string) => mock.sends().filter((s) => s.body.to === to).map((s) => (s.body.text as { body: string }).body);

describe('several instances on one Redis', () => {
  it('answers, and /health says the store is redis', async () => {
    const a = await instance();
    expect((await postWebhook(a.url, envelope({ messages: [textMessage('4920000001', 'hi')] }))).status).toBe(200);
    await waitUntil(() => textsTo('4920000001').length === 1, 'the reply');
    expect(textsTo('4920000001')).toEqual(['#1: hi']);
    const health = await fetch(`${a.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'redis' });
  });

  it('per-contact order and exactly-once: messages posted to random instances, re-deliveries to others', async () => {
    const instances = [await instance(), await instance(), await instance()];
    const contacts = Array.from({ length: 8 }, (_, i) => `49200001${String(i).padStart(2, '0')}`);
    const posts: Promise<Response>[] = [];
    for (let n = 1; n <= 10; n++) {
      for (const wa of contacts) {
        const body = envelope({ messages: [textMessage(wa, `m${n}`, `wamid.${wa}.${n}`)] });
        const target = instances[(n + Number(wa.slice(-2))) % instances.length]!;
        const response = await postWebhook(target.url, body);
        expect(response.status).toBe(200);
        // The gateway delivers some batches twice, to another instance.
        if (n % 3 === 0) posts.push(postWebhook(instances[(n + 1) % instances.length]!.url, body));
      }
    }
    await Promise.all(posts);
    await waitUntil(() => contacts.every((wa) => textsTo(wa).length >= 10), 'every message answered', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives
    for (const wa of contacts) expect(textsTo(wa)).toEqual(Array.from({ length: 10 }, (_, i) => `#${i + 1}: m${i + 1}`));
  });

  it('a contact held by an instance that died is taken over once its lease expires, with its inbox in order', async () => {
    const survivor = await instance({ leaseMs: 600 });
    // An instance claimed the contact and died: its lease stays until it expires.
    const store = new RedisStore(redis.client(), prefix);
    const key = `${BUSINESS.phoneNumberId}:4920000200`;
    const claim = await store.claim(key, 'dead-instance', 600);
    expect(claim).toBeDefined();
    expect((await postWebhook(survivor.url, envelope({ messages: [textMessage('4920000200', 'one'), textMessage('4920000200', 'two')] }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(textsTo('4920000200')).toEqual([]); // still held by the dead instance
    await waitUntil(() => textsTo('4920000200').length === 2, 'taken over after the lease expired', 5000);
    expect(textsTo('4920000200')).toEqual(['#1: one', '#2: two']);
  });

  it('a timer armed on an instance that then went away fires once, on another', async () => {
    const first = await instance({ leaseMs: 600 });
    const second = await instance({ leaseMs: 600 });
    await postWebhook(first.url, envelope({ messages: [textMessage('4920000300', 'remind')] })); // a 300 ms reminder
    await waitUntil(() => textsTo('4920000300').includes('I will remind you'), 'the reminder armed');
    await first.bot.close(); // the instance that armed it goes away
    bots.splice(bots.indexOf(first.bot), 1);
    await waitUntil(() => textsTo('4920000300').includes('Reminder!'), 'the reminder fired elsewhere', 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(textsTo('4920000300').filter((t) => t === 'Reminder!')).toHaveLength(1);
    expect(second.bot.health.ok).toBe(true);
  });

  it('Redis down: webhooks get 503 and /health says so; Redis back (AOF): nothing acknowledged was lost, and it goes on', async () => {
    const a = await instance();
    expect((await postWebhook(a.url, envelope({ messages: [textMessage('4920000400', 'before')] }))).status).toBe(200);
    await waitUntil(() => textsTo('4920000400').length === 1, 'the first reply');
    // Acknowledged but not processed yet when Redis dies: held by a lease nobody will release.
    const store = new RedisStore(redis.client(), prefix);
    await store.claim(`${BUSINESS.phoneNumberId}:4920000401`, 'elsewhere', 1500);
    expect((await postWebhook(a.url, envelope({ messages: [textMessage('4920000401', 'kept')] }))).status).toBe(200);
    await redis.kill();
    const refused = await postWebhook(a.url, envelope({ messages: [textMessage('4920000400', 'during')] }));
    expect(refused.status).toBe(503);
    await waitUntil(async () => (await fetch(`${a.url}/health`)).status === 503, '/health reports Redis');
    expect(await (await fetch(`${a.url}/health`)).json()).toMatchObject({ status: 'degraded', problems: [expect.objectContaining({ source: 'redis' })] });
    await redis.restart();
    // The gateway re-delivers what got 503.
    await waitUntil(async () => (await postWebhook(a.url, envelope({ messages: [textMessage('4920000400', 'after')] }))).status === 200, 'accepted again', 10_000);
    await waitUntil(() => textsTo('4920000400').length === 2 && textsTo('4920000401').length === 1, 'both answered', 10_000);
    expect(textsTo('4920000400')).toEqual(['#1: before', '#2: after']);
    expect(textsTo('4920000401')).toEqual(['#1: kept']);
    await waitUntil(async () => (await fetch(`${a.url}/health`)).status === 200, 'healthy again', 5000);
  });
});
