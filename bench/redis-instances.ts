/**
 * chartbot on Redis (`npm run bench -- --redis`): 1, 2, 3 `chartbot start` processes on one real
 * redis-server (test/helpers/redis-server.ts: loopback, temp dir, AOF with `appendfsync always`),
 * the load generator spreading posts across them. Per message: Redis commands (INFO commandstats,
 * the commands inside scripts included), round trips (the bots' own count, the Redis store's
 * `chartbot_store_round_trip_seconds`) and the CPU time of the bots and of redis-server.
 */
import { join } from 'node:path';
import { request } from 'undici';
import type { Redis } from 'ioredis';
import { RedisStore } from '../src/redis/redis-store.ts';
import { contactKey } from '../src/store/contact-record.ts';
import { startRedis } from '../test/helpers/redis-server.ts';
import { startBot, type BotProcess } from './bot-process.ts';
import { BENCH_NUMBER, waIdOf } from './contacts.ts';
import type { LoadJob, LoadResult } from './load-generator.ts';
import { metricsEnv, SCRAPE_TOKEN } from './metrics-cost.ts';
import { cpuSeconds } from './proc-stats.ts';
import { sideBySide, type SideBySide } from './redis-vs-lowdb.ts';
import { benchRecord } from './seed-contacts.ts';
import type { LatencySummary } from './stats.ts';

export interface RedisInstancesRun {
  instances: number;
  load: LoadResult;
  latency: LatencySummary;
  /** Commands Redis executed per message, those inside scripts included (INFO commandstats). */
  commandsPerMessage: number;
  /** The same, by command (per message). */
  commandsByName: Record<string, number>;
  /** Round trips the bots made to Redis per message (scripts and commands; polling included). */
  roundTripsPerMessage: number;
  roundTripsByOperation: Record<string, number>;
  /** CPU time per message, µs: all bot processes together, and redis-server. */
  botCpuUsPerMessage: number;
  redisCpuUsPerMessage: number;
}

export interface RedisBench {
  /** Redis's durability settings during the runs (CONFIG GET). */
  appendonly: string;
  appendfsync: string;
  contacts: number;
  runs: RedisInstancesRun[];
  /** One Redis instance and one lowdb process measured in alternating slices (redis-vs-lowdb.ts). */
  sideBySide: SideBySide;
}

/** What the bench's driver lends: the mock's URL, a measured load (latency as the mock saw it), a log line. */
export interface RedisBenchDriver {
  mockUrl: string;
  workDir: string;
  measured(job: Partial<LoadJob> & Pick<LoadJob, 'url' | 'doneWhen' | 'contacts'>): Promise<{ load: LoadResult; latency: LatencySummary }>;
  load(job: Partial<LoadJob> & Pick<LoadJob, 'url' | 'doneWhen' | 'contacts'>): Promise<LoadResult>;
  log(text: string): void;
}

/** `INFO commandstats` as calls by command name. */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]));
  return calls;
}

/** Round trips to the store so far, by operation, summed over the bots (their /metrics). */
async function roundTrips(bots: BotProcess[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const bot of bots) {
    const res = await request(`${bot.url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
    const text = await res.body.text();
    for (const match of text.matchAll(/^chartbot_store_round_trip_seconds_count\{operation="([^"]+)"\} (\d+)/gm)) counts.set(match[1] as string, (counts.get(match[1] as string) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** after − before, per message, for each name that changed (sorted, most first). */
function perMessage(before: Map<string, number>, after: Map<string, number>, messages: number, ignore: string[] = []): { total: number; byName: Record<string, number> } {
  const rows = [...after].filter(([name]) => !ignore.includes(name)).map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / messages] as const);
  const changed = rows.filter(([, n]) => n >= 0.005).sort((a, b) => b[1] - a[1]);
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return { total: round2(changed.reduce((sum, [, n]) => sum + n, 0)), byName: Object.fromEntries(changed.map(([name, n]) => [name, round2(n)])) };
}

/** The same contacts as the lowdb run, stored as the bot leaves them after one message (plain writes). */
async function seedRedis(store: RedisStore, count: number): Promise<void> {
  const template = benchRecord(waIdOf(0));
  for (let start = 0; start < count; start += 256) {
    const saves: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + 256); i++) saves.push(store.save({ ...template, key: contactKey(BENCH_NUMBER.phoneNumberId, waIdOf(i)), waId: waIdOf(i) }));
    await Promise.all(saves);
  }
}

export async function measureRedisInstances(driver: RedisBenchDriver, plan: { instances: number[]; contacts: number; warmupMs: number; sliceMs: number }): Promise<RedisBench> {
  const server = await startRedis();
  const redis = server.client();
  const bots: BotProcess[] = [];
  try {
    const [, appendonly = '?'] = (await redis.config('GET', 'appendonly')) as string[];
    const [, appendfsync = '?'] = (await redis.config('GET', 'appendfsync')) as string[];
    driver.log(`redis: seeding ${plan.contacts} contacts`);
    await seedRedis(new RedisStore(redis, 'chartbot:'), plan.contacts);
    const contacts = { first: 0, count: plan.contacts };
    const runs: RedisInstancesRun[] = [];
    let compared: SideBySide | undefined;
    for (const instances of plan.instances) {
      while (bots.length < instances) {
        const n = bots.length + 1;
        const env = { CHARTBOT_REDIS_URL: server.url, ...metricsEnv('on') };
        bots.push(await startBot({ mockUrl: driver.mockUrl, dataDir: join(driver.workDir, `redis-${n}`), logFile: join(driver.workDir, `redis-${n}.log`), env }));
      }
      const urls = bots.map((bot) => bot.url);
      // Each new instance warms up as long as the first one did (its JIT starts cold).
      await driver.measured({ url: urls[0] as string, urls, doneWhen: 'replied', contacts, durationMs: plan.warmupMs * instances });
      driver.log(`redis: ${instances} instance(s), single-message POSTs`);
      const pids = [...bots.map((bot) => bot.pid), server.pid()];
      const cpuBefore = pids.map(cpuSeconds);
      const [commandsBefore, tripsBefore] = [await commandCalls(redis), await roundTrips(bots)];
      const { load, latency } = await driver.measured({ url: urls[0] as string, urls, doneWhen: 'replied', contacts });
      const [commandsAfter, tripsAfter] = [await commandCalls(redis), await roundTrips(bots)];
      const cpuUs = pids.map((pid, i) => ((cpuSeconds(pid) - (cpuBefore[i] as number)) / load.completed) * 1e6);
      const commands = perMessage(commandsBefore, commandsAfter, load.completed, ['info']);
      const trips = perMessage(tripsBefore, tripsAfter, load.completed);
      runs.push({
        instances,
        load,
        latency,
        commandsPerMessage: commands.total,
        commandsByName: commands.byName,
        roundTripsPerMessage: trips.total,
        roundTripsByOperation: trips.byName,
        botCpuUsPerMessage: Math.round(cpuUs.slice(0, -1).reduce((sum, us) => sum + us, 0)),
        redisCpuUsPerMessage: Math.round(cpuUs[cpuUs.length - 1] as number),
      });
      if (instances === 1) compared = await sideBySide(driver, { url: urls[0] as string, botPid: (bots[0] as BotProcess).pid, serverPid: server.pid() }, { contacts: plan.contacts, sliceMs: plan.sliceMs, warmupMs: plan.warmupMs });
    }
    if (!compared) throw new Error('the Redis runs must include one instance (compared with lowdb side by side)');
    return { appendonly, appendfsync, contacts: plan.contacts, runs, sideBySide: compared };
  } finally {
    for (const bot of bots) await bot.stop();
    await server.stop();
  }
}
