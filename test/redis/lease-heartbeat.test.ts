import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import echo from '../fixtures/flows/echo.ts';
import { Runtime } from '../../src/conversation/runtime.ts';
import { reply } from '../../src/conversation/reply.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { parseWebhook } from '../../src/messages/parse-webhook.ts';
import { RedisCoordination } from '../../src/redis/redis-coordination.ts';
import { redisParkedStore } from '../../src/redis/redis-parked-store.ts';
import { RedisStore, type ReleaseOutcome } from '../../src/redis/redis-store.ts';
import { recordingProvider } from '../../src/testing/recording-provider.ts';
import type { Lease } from '../../src/store/lease.ts';
import type { Flow } from '../../src/conversation/define-flow.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, envelope, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/** Releases like Redis, but its answer comes back late (a busy Redis, a slow network): heartbeats fire meanwhile. */
class SlowReleaseStore extends RedisStore {
  override async releaseOrContinue(lease: Lease, retryAt?: number): Promise<ReleaseOutcome> {
    const outcome = await super.releaseOrContinue(lease, retryAt);
    await new Promise((resolve) => setTimeout(resolve, 400));
    return outcome;
  }
}

/** Answers only after a 600 ms service: several heartbeats of a 300 ms lease while it works. */
const slow = setup({
  types: { events: {} as ChartbotEvent },
  actors: { think: fromPromise(() => new Promise<void>((resolve) => setTimeout(resolve, 600))) },
}).createMachine({
  id: 'slow',
  initial: 'idle',
  states: {
    idle: { on: { 'user.text': 'thinking' } },
    thinking: { invoke: { src: 'think', onDone: { target: 'idle', actions: reply('done thinking') } } },
  },
});

let redis: RedisServer;
beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await redis.stop();
});

const LOST = 'lease could not be extended';
const contact = (wa: string) => `${BUSINESS.phoneNumberId}:${wa}`;

function instance(store: RedisStore, flow: Flow) {
  const logs = capturedLogger();
  const coordination = new RedisCoordination(store, { logger: logs.logger, leaseMs: 300, pollMs: 50 });
  const provider = recordingProvider();
  const runtime = new Runtime({ flows: [flow], provider, store: coordination.store, coordination, parked: redisParkedStore(store.redis, 'beat:'), markRead: false, logger: logs.logger });
  const send = async (wa: string, text: string) => {
    const parsed = parseWebhook(envelope({ messages: [textMessage(wa, text)] }));
    await store.accept(parsed.messages.map((event) => ({ contact: contact(wa), kind: 'm' as const, payload: event })));
    await runtime.dispatch(parsed);
  };
  return { runtime, provider, logs, send };
}

describe('the lease heartbeat on Redis', () => {
  it('does not report a lease as lost while the session is releasing it (a renew then finds the lease already deleted)', async () => {
    const bot = instance(new SlowReleaseStore(redis.client(), 'beat:'), toFlow(echo, 'echo.ts'));
    await bot.runtime.start();
    await bot.send('4932000001', 'hi'); // the release's answer takes 400 ms: heartbeats (every 100 ms) fall in it
    await waitUntil(() => bot.provider.sends.length === 1, 'the reply');
    expect(bot.logs.lines.filter((line) => line.includes(LOST))).toEqual([]);
    await bot.runtime.close();
  });

  it('still reports a lease really lost while the contact is being worked on', async () => {
    const bot = instance(new RedisStore(redis.client(), 'beat:'), toFlow(slow, 'slow.ts'));
    await bot.runtime.start();
    const work = bot.send('4932000002', 'think');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await redis.client().del(`beat:lease:${contact('4932000002')}`); // taken away, as when it expired
    await waitUntil(() => bot.logs.lines.some((line) => line.includes(LOST)), 'the lost lease reported', 3000);
    await work;
    await bot.runtime.close();
  });
});
