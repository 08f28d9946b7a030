import type { Redis } from 'ioredis';
import type { ParkedMessage, ParkedStore } from '../isolation/parked-store.ts';

/** Parked messages in one Redis hash (`<prefix>parked`, id → JSON), shared by every instance. */
export function redisParkedStore(redis: Redis, prefix: string): ParkedStore {
  const key = `${prefix}parked`;
  return {
    async list() {
      return Object.values(await redis.hgetall(key)).map((json) => JSON.parse(json) as ParkedMessage);
    },
    async get(id) {
      const json = await redis.hget(key, id);
      return json ? (JSON.parse(json) as ParkedMessage) : undefined;
    },
    async put(message) {
      await redis.hset(key, message.id, JSON.stringify(message));
    },
    async remove(id) {
      await redis.hdel(key, id);
    },
  };
}
