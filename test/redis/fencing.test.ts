import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import { Runtime } from '../../src/conversation/runtime.ts';
import { reply } from '../../src/conversation/reply.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { parseWebhook } from '../../src/messages/parse-webhook.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { RedisCoordination } from '../../src/redis/redis-coordination.ts';
import { RedisStore } from '../../src/redis/redis-store.ts';
import { redisParkedStore } from '../../src/redis/redis-parked-store.ts';
import { recordingProvider } from '../../src/testing/recording-provider.ts';
import type { Lease } from '../../src/store/lease.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, envelope, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/** Answers "slow" only after a service that takes 1.2 s: long enough to outlive a short lease. */
const slow = setup({
  types: { events: {} as ChartbotEvent, context: {} as { answered: number } },
  actors: { think: fromPromise(() => new Promise<void>((resolve) => setTimeout(resolve, 1200))) },
}).createMachine({
  id: 'slow',
  context: { answered: 0 },
  initial: 'idle',
  states: {
    idle: { on: { 'user.text': 'thinking' } },
    thinking: { invoke: { src: 'think', onDone: { target: 'idle', actions: [assign({ answered: ({ context }) => context.answered + 1 }), reply('done thinking')] } } },
  },
});

/** A store whose lease heartbeat believes it renewed, but does nothing: an instance paused past its lease. */
class PausedHeartbeatStore extends RedisStore {
  override async renew(_lease: Lease): Promise<boolean> {
    return true;
  }
}

let redis: RedisServer;
beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await redis.stop();
});

function instance(store: RedisStore, leaseMs: number) {
  const logs = capturedLogger();
  const coordination = new RedisCoordination(store, { logger: logs.logger, leaseMs, pollMs: 50 });
  const provider = recordingProvider();
  const runtime = new Runtime({ flows: [toFlow(slow, 'slow.ts')], provider, store: coordination.store, coordination, parked: redisParkedStore(store.redis, 'fence:'), markRead: false, logger: logs.logger });
  return { runtime, provider, store, logs };
}

describe('fencing on Redis', () => {
  it("a stale lease holder's write is refused: the instance that took over processes the message, once", async () => {
    const paused = instance(new PausedHeartbeatStore(redis.client(), 'fence:'), 300);
    const live = instance(new RedisStore(redis.client(), 'fence:'), 5000);
    await paused.runtime.start();
    const parsed = parseWebhook(envelope({ messages: [textMessage('4921000001', 'slow')] }));
    await paused.store.accept(parsed.messages.map((event) => ({ contact: `${BUSINESS.phoneNumberId}:4921000001`, kind: 'm' as const, payload: event })));
    const pausedWork = paused.runtime.dispatch(parsed); // claims it, then "pauses" past its 300 ms lease
    await new Promise((resolve) => setTimeout(resolve, 100));
    await live.runtime.start(); // its poller finds the contact due once the paused lease expired
    await pausedWork;
    await waitUntil(() => live.provider.sends.length === 1, 'the live instance answered', 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(paused.provider.sends).toEqual([]); // its save was refused before anything was sent
    expect(live.provider.sends.map((s) => (s.message as { text: { body: string } }).text.body)).toEqual(['done thinking']);
    const record = await live.store.load(`${BUSINESS.phoneNumberId}:4921000001`);
    expect((record?.snapshot as { context: { answered: number } }).context.answered).toBe(1);
    expect(paused.logs.lines.some((line) => line.includes('StaleLeaseError'))).toBe(true);
    await paused.runtime.close();
    await live.runtime.close();
  });
});
