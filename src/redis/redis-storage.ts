import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { contactKey } from '../store/contact-record.ts';
import { monitoredStore } from '../store/monitored-store.ts';
import type { BotStorage } from '../server/bot-storage.ts';
import type { HealthMonitor } from '../server/health.ts';
import { connectRedis, type RedisSettings } from './connect-redis.ts';
import { RedisCoordination } from './redis-coordination.ts';
import { redisParkedStore } from './redis-parked-store.ts';
import { RedisStore } from './redis-store.ts';

/** Redis settings of a bot, or a client you made (then closing it is yours). */
export type RedisOption = RedisSettings | { client: Redis; prefix?: string; leaseMs?: number; pollMs?: number };

/** What a webhook batch puts into the contacts' inboxes, in the order it carried them. */
function inboxItems(parsed: ParsedWebhook) {
  return [
    ...parsed.messages.map((event) => ({ contact: contactKey(event.businessNumberId, event.contact.waId), kind: 'm' as const, payload: event })),
    ...parsed.statuses.map((update) => ({ contact: contactKey(update.businessNumberId, update.recipientId), kind: 's' as const, payload: update })),
  ];
}

/**
 * Several processes on one Redis: contact records, inboxes, leases and due contacts in Redis
 * (RedisStore), parked messages there too, and the coordination that lets any instance work on
 * any contact, one at a time (see docs/scaling.md). The data folder holds nothing.
 */
export async function redisStorage(option: RedisOption, logger: Logger, health: HealthMonitor): Promise<BotStorage> {
  const ownClient = !('client' in option);
  const redis = 'client' in option ? option.client : await connectRedis(option, logger);
  const prefix = option.prefix ?? 'chartbot:';
  const redisStore = new RedisStore(redis, prefix, (contact, copiedTo, error) =>
    logger.error({ contact, copiedTo, err: error }, 'damaged contact record in Redis copied aside; that contact starts over'),
  );
  const coordination = new RedisCoordination(redisStore, {
    logger,
    ...(option.leaseMs === undefined ? {} : { leaseMs: option.leaseMs }),
    ...(option.pollMs === undefined ? {} : { pollMs: option.pollMs }),
    onRedisError: (error) => health.failed('redis', error),
    onRedisOk: () => health.recovered('redis'),
  });
  return {
    kind: 'redis',
    store: monitoredStore(coordination.store, health, 'redis'),
    parked: redisParkedStore(redis, prefix),
    coordination,
    async openIntake(runtime) {
      return {
        async record(_raw, parsed) {
          try {
            await redisStore.accept(inboxItems(parsed));
          } catch (error) {
            health.failed('redis', error);
            throw error;
          }
          health.recovered('redis');
          // Stored: work on it now (a failure here is retried by whichever instance polls first).
          void runtime.dispatch(parsed).catch(() => {});
        },
        ready: Promise.resolve(),
        close: async () => {},
      };
    },
    async close() {
      if (ownClient) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
