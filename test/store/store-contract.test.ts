import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyRecord, type ContactRecord } from '../../src/store/contact-record.ts';
import { StaleLeaseError } from '../../src/store/lease.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { memoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/redis/redis-store.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** The stores that ship with chartbot, each made fresh for a test (and cleaned up after). */
const stores: Array<[string, () => Promise<{ store: SessionStore; cleanup: () => Promise<void> }>]> = [
  ['memory', async () => ({ store: memoryStore(), cleanup: async () => {} })],
  [
    'lowdb',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'chartbot-contract-'));
      const store = await lowdbStore({ dir });
      return { store, cleanup: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
  [
    'redis',
    async () => {
      const client = redis.client();
      const prefix = `contract-${Math.random().toString(36).slice(2)}:`;
      return { store: new RedisStore(client, prefix), cleanup: async () => client.disconnect() };
    },
  ],
];

const record = (wa: string, extra: Partial<ContactRecord> = {}): ContactRecord => ({ ...emptyRecord('PN', wa), updatedAt: 1, ...extra });

describe.each(stores)('the SessionStore contract: %s store', (_name, make) => {
  let store: SessionStore;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  const open = async () => {
    ({ store, cleanup } = await make());
    return store;
  };

  it('loads what it saved (a copy: changing it changes nothing stored), undefined for an unknown contact', async () => {
    await open();
    expect(await store.load('PN:nobody')).toBeUndefined();
    await store.save(record('1', { lastInboundAt: 5 }));
    const loaded = await store.load('PN:1');
    expect(loaded).toMatchObject({ key: 'PN:1', lastInboundAt: 5 });
    loaded!.lastInboundAt = 99;
    expect((await store.load('PN:1'))?.lastInboundAt).toBe(5);
  });

  it('lists every stored contact, and the contacts with timers and unsent replies', async () => {
    await open();
    await store.save(record('a', { timers: [{ id: 't', event: { type: 'x' }, fireAt: 42 }] }));
    await store.save(record('b', { outbox: [{ id: 'o', message: { type: 'text', text: { body: 'hi' } }, decidedAt: 1 }] }));
    await store.save(record('c'));
    expect((await store.keys()).sort()).toEqual(['PN:a', 'PN:b', 'PN:c']);
    expect([...(await store.pendingTimers())]).toEqual([['PN:a', 42]]);
    expect(await store.pendingOutbox?.()).toEqual(['PN:b']);
  });

  it('a contact is claimed by one owner at a time; the claim returns the record; tokens grow', async () => {
    await open();
    await store.save(record('x', { lastInboundAt: 7 }));
    const first = await store.claim!('PN:x', 'instance-a', 10_000);
    expect(first?.record?.lastInboundAt).toBe(7);
    expect(await store.claim!('PN:x', 'instance-b', 10_000)).toBeUndefined();
    await store.release!(first!.lease);
    const second = await store.claim!('PN:x', 'instance-b', 10_000);
    expect(second!.lease.token).toBeGreaterThan(first!.lease.token);
    await store.release!(second!.lease);
  });

  it('fencing: a save under a lease that is no longer current is refused and writes nothing', async () => {
    await open();
    const stale = (await store.claim!('PN:f', 'paused-instance', 150))!.lease;
    await new Promise((resolve) => setTimeout(resolve, 250)); // paused past its lease
    const current = (await store.claim!('PN:f', 'live-instance', 10_000))!.lease;
    await store.save(record('f', { updatedAt: 2 }), current);
    await expect(store.save(record('f', { updatedAt: 1 }), stale)).rejects.toBeInstanceOf(StaleLeaseError);
    expect((await store.load('PN:f'))?.updatedAt).toBe(2);
    expect(await store.renew!(stale, 10_000)).toBe(false);
    expect(await store.renew!(current, 10_000)).toBe(true);
    await store.release!(stale); // a stale release changes nothing
    expect(await store.claim!('PN:f', 'third', 10_000)).toBeUndefined();
  });

  it('an expired lease can be claimed by another owner (failover)', async () => {
    await open();
    await store.claim!('PN:e', 'dead-instance', 100);
    expect(await store.claim!('PN:e', 'survivor', 10_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await store.claim!('PN:e', 'survivor', 10_000))?.lease.owner).toBe('survivor');
  });
});
