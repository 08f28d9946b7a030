import { silentLogger } from '../logger.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import { connectRedis, redactedUrl } from './connect-redis.ts';
import { RedisStore } from './redis-store.ts';

/** Who offline tools are, in leases (instances log it when a contact is busy). */
const TOOL_OWNER = 'chartbot-tool';
/** Attempts at a contact an instance is working on, 50 ms apart. */
const BUSY_ATTEMPTS = 100;

/**
 * The Redis store for command-line tools (`chartbot migrate`): reads as usual, and every write
 * takes the contact's lease first, so a tool run while instances serve the bot never overwrites a
 * conversation one of them is working on (it waits for its turn, like any instance).
 */
export async function openRedisForTools(url: string, prefix: string): Promise<{ store: SessionStore; where: string; close: () => Promise<void> }> {
  const redis = await connectRedis({ url }, silentLogger());
  const inner = new RedisStore(redis, prefix);
  const store: SessionStore = Object.assign(Object.create(inner) as RedisStore, {
    async save(record: ContactRecord): Promise<void> {
      for (let attempt = 0; attempt < BUSY_ATTEMPTS; attempt++) {
        const claim = await inner.claim(record.key, TOOL_OWNER, 10_000);
        if (claim) {
          try {
            await inner.save(record, claim.lease);
          } finally {
            await inner.release(claim.lease);
          }
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`contact ${record.key} stayed busy on a running instance: run the command again`);
    },
  });
  return { store, where: `${redactedUrl(url)} (prefix ${prefix})`, close: async () => void (await redis.quit()) };
}
