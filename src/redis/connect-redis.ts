import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/** How a bot reaches Redis (CHARTBOT_REDIS_URL, CHARTBOT_REDIS_PREFIX, CHARTBOT_REDIS_LEASE_MS). */
export interface RedisSettings {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Every key starts with it, so several bots share one Redis (default `chartbot:`). */
  prefix?: string;
  /** How long a contact stays with an instance that stopped answering (default 5,000 ms). */
  leaseMs?: number;
  /** How often each instance looks for due contacts (default 250 ms). */
  pollMs?: number;
}

/** How long the first connection is tried before the start fails with a clear error. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The URL without its password, for logs and errors. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Connects to Redis. Commands fail at once while the connection is down (no offline queue), so a
 * webhook gets its 503 immediately instead of waiting; the client reconnects by itself with
 * backoff. Warns when Redis does not fsync every write (`appendfsync always`), since then an
 * acknowledged webhook can be lost with Redis.
 */
export async function connectRedis(settings: RedisSettings, logger: Logger): Promise<Redis> {
  const redis = new Redis(settings.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    connectionName: 'chartbot',
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 2000),
  });
  redis.on('error', () => {}); // reported through /health by the parts that fail; ioredis reconnects
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    try {
      await redis.connect();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        redis.disconnect();
        throw new Error(`cannot reach Redis at ${redactedUrl(settings.url)} (CHARTBOT_REDIS_URL): ${(error as Error).message}`, { cause: error });
      }
      redis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const [, policy] = ((await redis.config('GET', 'appendfsync')) as string[]) ?? [];
    const [, aof] = ((await redis.config('GET', 'appendonly')) as string[]) ?? [];
    if (aof !== 'yes' || policy !== 'always') {
      logger.warn({ appendonly: aof, appendfsync: policy }, 'Redis does not fsync every write (appendonly yes + appendfsync always): a Redis crash or power loss can lose acknowledged messages');
    }
  } catch {
    // CONFIG is often disabled on managed Redis: nothing to check then
  }
  return redis;
}
