import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { RedisStore } from '../../src/redis/redis-store.ts';
import { startMockProvider } from '../../test/helpers/mock-provider.ts';
import { startRedis } from '../../test/helpers/redis-server.ts';
import { BUSINESS } from '../../test/helpers/webhooks.ts';
import { chaosContacts, random, runLoad, sleep, type LoadShape } from './chaos-load.ts';
import { awaitReplies, ledgerFigures, type LedgerContext } from './chaos-outcome.ts';
import { attributeDuplicates, type ChaosEvent } from './duplicate-attribution.ts';
import { FailoverWatch } from './failover-watch.ts';
import { ChaosCluster, type Instance } from './redis-cluster.ts';
import type { RedisChaosReport } from './redis-chaos-report.ts';
import { flowsDir } from './run-chaos.ts';

export interface RedisChaosOptions extends LoadShape {
  /** `chartbot start` processes on the one Redis. */
  instances: number;
  /** Instance restarts under load, one instance at a time: SIGKILL, or SIGTERM every `stopEvery` (then one final kill of every instance). */
  kills: number;
  /** Every this many restarts, one is graceful (SIGTERM, as a rolling deploy) instead of a SIGKILL (0: none). */
  stopEvery: number;
  /** Redis restarts (SIGKILL, then the same dir, AOF and port) among the kills. */
  redisRestarts: number;
  /** Each kill comes after a random pause in this range (ms). */
  killAfterMs: [number, number];
  /** A killed instance stays down this long (random in range, ms) before its restart. */
  downMs: [number, number];
  /** Redis stays down this long (random in range, ms) at each restart. */
  redisDownMs: [number, number];
  /** CHARTBOT_REDIS_LEASE_MS: how long a killed instance's contacts wait for a take-over. */
  leaseMs: number;
  seed: number;
  /** Hard limit for the whole run. */
  maxDurationMs: number;
  log?: (line: string) => void;
}

export const REDIS_QUICK: RedisChaosOptions = { instances: 3, contacts: 40, minMessages: 6, maxMessages: 14, pauseMs: [40, 120], duplicateRate: 0.15, kills: 5, stopEvery: 4, redisRestarts: 1, killAfterMs: [700, 1400], downMs: [0, 300], redisDownMs: [800, 1500], leaseMs: 1000, seed: 1, maxDurationMs: 50_000 };
export const REDIS_LONG: RedisChaosOptions = { instances: 3, contacts: 300, minMessages: 10, maxMessages: 19, pauseMs: [10, 40], duplicateRate: 0.15, kills: 32, stopEvery: 4, redisRestarts: 2, killAfterMs: [300, 1500], downMs: [0, 500], redisDownMs: [500, 3000], leaseMs: 2000, seed: 7, maxDurationMs: 280_000 };

async function countKeys(redis: Redis, pattern: string, size: (key: string) => Promise<number>): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    for (const key of keys) total += await size(key);
  } while (cursor !== '0');
  return total;
}

/**
 * Runs `instances` real `chartbot start` processes on one real redis-server against a mock
 * provider on loopback; sends the load to random live instances; SIGKILLs and restarts instances
 * and restarts Redis under load; kills every instance while the last timers are pending; then stops
 * them cleanly and checks, from Redis and the mock, what was processed and sent.
 */
export async function runRedisChaos(options: RedisChaosOptions): Promise<RedisChaosReport> {
  const started = Date.now();
  const deadline = started + options.maxDurationMs;
  const log = options.log ?? (() => {});
  const rand = random(options.seed);
  const secret = 'chaos-secret';
  const prefix = 'chaos:';
  const mock = await startMockProvider();
  const redis = await startRedis();
  const client = redis.client();
  const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-redis-chaos-'));
  const cluster = new ChaosCluster(rand, secret, deadline);
  const watch = new FailoverWatch(client, prefix);
  const events: ChaosEvent[] = [];
  const report: RedisChaosReport = {
    instances: options.instances, leaseMs: options.leaseMs, store: '', messagesSent: 0, posts: 0, refused: 0, redeliveries: 0, processed: 0, lost: 0, processedTwice: 0, outOfOrder: 0,
    repliesExpected: 0, repliesMissing: 0, duplicateReplies: 0, duplicates: { perKill: [], afterFinalKill: 0, afterRedisRestarts: 0, otherwise: 0, beyondWindow: 0 }, timersLost: 0, timersFiredTwice: 0,
    kills: 0, stops: { count: 0, clean: 0, overGrace: 0, leasesLeft: 0 }, finalKills: 0, redisRestarts: 0, failover: { held: 0, medianMs: undefined, maxMs: undefined, stuck: 0 }, inboxLeft: 0, parked: 0, cleanExits: 0, durationMs: 0,
  };
  const between = ([min, max]: [number, number]) => min + rand() * (max - min);
  try {
    await cluster.start(options.instances, (index) => ({
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_TOKEN: 'chaos-token',
      WHATSAPP_API_URL: `${mock.url}/v23.0`,
      WHATSAPP_APP_SECRET: secret,
      CHARTBOT_DATA_DIR: join(dataDir, `instance-${index}`), // holds nothing with Redis
      CHARTBOT_REDIS_URL: redis.url,
      CHARTBOT_REDIS_PREFIX: prefix,
      CHARTBOT_REDIS_LEASE_MS: String(options.leaseMs),
      FLOWS_DIR: flowsDir,
      CHARTBOT_MARK_READ: 'false',
      CHARTBOT_THROUGHPUT_MPS: '1000', // the limiter is not under test here
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    }));
    report.store = String(((await (await fetch(`${cluster.instances[0]!.url}/health`)).json()) as { store?: unknown }).store);
    const contacts = chaosContacts(options.contacts);
    let killerDone = options.kills === 0;

    const restartRedis = async () => {
      await redis.kill();
      events.push({ kind: 'redis', at: Date.now() });
      await sleep(between(options.redisDownMs));
      await redis.restart();
      report.redisRestarts++;
      log(`redis restart ${report.redisRestarts}`);
    };
    const stopGracefully = async (victim: Instance) => {
      const { pid, clean, overGrace } = await cluster.terminate(victim);
      const left = (await watch.heldBy(pid)).size;
      report.stops.count++;
      if (clean) report.stops.clean++;
      // Past its grace period a stop exits with work left, as documented: its leases expire then.
      if (overGrace) report.stops.overGrace++;
      else report.stops.leasesLeft += left;
    };
    // Kills land at random moments of the load. A killed instance comes back in the background, so
    // another kill may come while it is still down (one instance at least stays up: the load balancer
    // needs somewhere to send). The Redis restarts fall evenly among the kills.
    const restarting = new Set<Promise<void>>();
    const killer = async () => {
      const restartsAfter = Array.from({ length: options.redisRestarts }, (_, r) => Math.floor(((r + 1) * options.kills) / (options.redisRestarts + 1)));
      for (let k = 0; k < options.kills && Date.now() < deadline - 15_000; k++) {
        await sleep(between(options.killAfterMs));
        while (cluster.live().length < 2 && restarting.size > 0) await Promise.race(restarting);
        const victim = cluster.pick();
        const graceful = options.stopEvery > 0 && (k + 1) % options.stopEvery === 0;
        if (!graceful) {
          const pid = await cluster.kill(victim);
          const at = Date.now();
          watch.watch(pid, at);
          events.push({ kind: 'kill', at, held: watch.heldPerKill.at(-1)! });
          report.kills++;
        }
        const back = (async () => {
          // A rolling deploy: SIGTERM, and the instance must hand every contact back as it stops.
          if (graceful) await stopGracefully(victim);
          await sleep(between(options.downMs));
          await cluster.restart(victim);
          log(`restart ${k + 1}: instance ${victim.index} back`);
        })();
        restarting.add(back);
        void back.then(() => restarting.delete(back), () => {}); // a failed restart fails the run below
        for (const _ of restartsAfter.filter((after) => after === k + 1)) await restartRedis();
      }
      await Promise.all(restarting);
      killerDone = true;
    };
    const [sent] = await Promise.all([runLoad(options, contacts, rand, (body) => cluster.deliver(body), () => !killerDone, deadline, report), killer()]);
    Object.assign(report, { posts: cluster.tally.posts, refused: cluster.tally.refused });
    log(`load done: ${report.messagesSent} messages in ${report.posts} posts`);

    // Every instance dies at once while the timers armed by the last messages are pending, and
    // stays down until they are overdue: they must fire from what is stored in Redis.
    const pids = await Promise.all(cluster.instances.map((instance) => cluster.kill(instance)));
    const finalKill: ChaosEvent = { kind: 'final kill', at: Date.now(), held: new Set() };
    events.push(finalKill);
    for (const pid of pids) for (const contact of (await watch.heldBy(pid)).keys()) finalKill.held!.add(contact);
    report.finalKills = options.instances;
    await sleep(500);
    await Promise.all(cluster.instances.map((instance) => cluster.restart(instance)));

    const replies = await awaitReplies(() => mock.sends(), sent, deadline);
    await sleep(1000); // late copies (a timer fired twice, a reply repeated) would arrive by now
    const final = await awaitReplies(() => mock.sends(), sent, 0);
    Object.assign(report, { repliesExpected: final.repliesExpected, repliesMissing: replies.repliesMissing, duplicateReplies: final.duplicateReplies + final.duplicateTicks });
    await watch.settled();
    report.duplicates = attributeDuplicates(final.duplicates, events, (waId) => `${BUSINESS.phoneNumberId}:${waId}`);
    report.failover = { ...watch.figures(), stuck: watch.stuck };
    report.cleanExits = (await cluster.stop()).filter(Boolean).length;

    // What each machine saw, from the records in Redis.
    const store = new RedisStore(client, prefix);
    const contexts = new Map<string, LedgerContext | undefined>();
    for (const c of contacts) contexts.set(c, ((await store.load(`${BUSINESS.phoneNumberId}:${c}`))?.snapshot as { context?: LedgerContext } | undefined)?.context);
    const ledgers = ledgerFigures(contexts, sent);
    Object.assign(report, { processed: ledgers.processed, lost: ledgers.lost, processedTwice: ledgers.processedTwice, outOfOrder: ledgers.outOfOrder, timersFiredTwice: ledgers.timersFiredTwice });
    // A last timer is lost when its tick never reached the state or its reply never came (both are 0 when it is not).
    report.timersLost = Math.max(ledgers.lastTimersNotFired, final.lastTicksMissing);
    report.inboxLeft = await countKeys(client, `${prefix}in:*`, (key) => client.llen(key));
    report.parked = await client.hlen(`${prefix}parked`);
    if (process.env.CHAOS_OUTPUT) {
      log(cluster.output);
      watch.perKill.forEach((times, k) => log(`kill ${k + 1}: ${times.length} contacts taken over after ${times.map((t) => `${t} ms`).join(', ')}`));
      log(`events ${events.map((event) => `${event.kind}@${event.at - started}`).join(' ')}`);
      const perContact = new Map<string, number>();
      for (const send of mock.sends()) perContact.set(String(send.body.to), (perContact.get(String(send.body.to)) ?? 0) + 1);
      log(`most sends to one contact ${Math.max(0, ...perContact.values())}`);
    }
  } finally {
    await cluster.destroy();
    await mock.close();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
    report.durationMs = Date.now() - started;
  }
  return report;
}
