import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import echo from '../fixtures/flows/echo.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { createBot, type Bot } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const prefix = 'iso:';
let redis: RedisServer;
let mock: MockProvider;
let bot: Bot | undefined;

beforeEach(async () => {
  redis = await startRedis();
  mock = await startMockProvider();
});
afterEach(async () => {
  await bot?.close().catch(() => {});
  bot = undefined;
  await mock.close();
  await redis.stop();
});

async function start(): Promise<string> {
  bot = await createBot({
    flows: [toFlow(echo, 'echo.ts')],
    provider: cloudApiProvider({ token: 't', baseUrl: `${mock.url}/v23.0` }),
    logger: silentLogger(),
    markRead: false,
    redis: { url: redis.url, prefix, pollMs: 50, leaseMs: 1000 },
  });
  return (await bot.listen(0)).url;
}

const textsTo = (to: string) => mock.sends().filter((s) => s.body.to === to).map((s) => (s.body.text as { body: string }).body);

describe('one contact’s failure on Redis never blocks the others', () => {
  it('a flow that throws parks that message; a poisoned record is set aside and that contact starts over; everyone else is answered', async () => {
    // A record damaged in Redis (by hand, a bad migration, another program under the same prefix).
    const poisoned = '4920000501';
    await redis.client().hset(`${prefix}c:${BUSINESS.phoneNumberId}:${poisoned}`, 'rec', '{"key": not json', 'due', String(Date.now() - 1000));
    const url = await start();
    const body = envelope({
      messages: [textMessage('4920000500', 'boom'), textMessage(poisoned, 'hello'), textMessage('4920000502', 'fine'), textMessage('4920000500', 'after boom')],
    });
    expect((await postWebhook(url, body)).status).toBe(200);
    await waitUntil(() => textsTo('4920000502').length === 1 && textsTo(poisoned).length === 1 && textsTo('4920000500').length === 1, 'the others answered', 10_000);
    expect(textsTo('4920000502')).toEqual(['#1: fine']);
    expect(textsTo(poisoned)).toEqual(['#1: hello']); // started over
    expect(textsTo('4920000500')).toEqual(['#1: after boom']);
    // The throwing message is parked for a retry, the damaged record kept aside for a person to read.
    expect((await bot!.runtime.parkedMessages()).map((p) => [p.waId, p.error])).toEqual([['4920000500', 'Error: flow exploded on purpose']]);
    expect(await redis.client().get(`${prefix}corrupt:${BUSINESS.phoneNumberId}:${poisoned}`)).toBe('{"key": not json');
    expect(bot!.health.ok).toBe(true);
  });
});
