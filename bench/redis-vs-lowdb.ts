/**
 * One Redis instance against one lowdb process, side by side: both bots running, the load sent to
 * one at a time in slices ordered lowdb, redis, redis, lowdb, … (as metrics-cost.ts does for
 * metrics off and on). On a shared machine the other load changes from one minute to the next; two
 * figures measured minutes apart can differ by 2× for that alone, slices a few seconds apart do not.
 */
import { join } from 'node:path';
import { startBot } from './bot-process.ts';
import type { LoadJob, LoadResult } from './load-generator.ts';
import { metricsEnv } from './metrics-cost.ts';
import { cpuSeconds } from './proc-stats.ts';
import { seedContacts } from './seed-contacts.ts';

export type StoreMode = 'lowdb' | 'redis';

export interface SideBySide {
  order: StoreMode[];
  slices: Array<{ mode: StoreMode; messagesPerSecond: number }>;
  /** Messages completed ÷ time, over all slices of each mode. */
  lowdb: number;
  redis: number;
  /** redis ÷ lowdb. */
  ratio: number;
  /** CPU µs per message over the slices: the lowdb bot; the Redis bot and redis-server. */
  cpuUsPerMessage: { lowdb: number; redisBot: number; redisServer: number };
}

const ORDER: StoreMode[] = ['lowdb', 'redis', 'redis', 'lowdb', 'lowdb', 'redis', 'redis', 'lowdb'];

export async function sideBySide(
  driver: { mockUrl: string; workDir: string; load(job: Partial<LoadJob> & Pick<LoadJob, 'url' | 'doneWhen' | 'contacts'>): Promise<LoadResult>; log(text: string): void },
  redis: { url: string; botPid: number; serverPid: number },
  plan: { contacts: number; sliceMs: number; warmupMs: number },
): Promise<SideBySide> {
  const dataDir = join(driver.workDir, 'side-by-side-lowdb');
  await seedContacts(dataDir, plan.contacts);
  // Metrics on in both, as the Redis instances run with them (they count the round trips).
  const lowdbBot = await startBot({ mockUrl: driver.mockUrl, dataDir, logFile: join(driver.workDir, 'side-by-side-lowdb.log'), env: metricsEnv('on') });
  try {
    const contacts = { first: 0, count: plan.contacts };
    const urls: Record<StoreMode, string> = { lowdb: lowdbBot.url, redis: redis.url };
    const pids = { lowdb: [lowdbBot.pid], redis: [redis.botPid, redis.serverPid] };
    const cpu = { lowdb: [0], redis: [0, 0] };
    await driver.load({ url: lowdbBot.url, doneWhen: 'replied', contacts, durationMs: plan.warmupMs });
    driver.log(`redis and lowdb side by side: ${ORDER.length} slices of ${plan.sliceMs} ms`);
    const totals: Record<StoreMode, { completed: number; ms: number }> = { lowdb: { completed: 0, ms: 0 }, redis: { completed: 0, ms: 0 } };
    const slices: SideBySide['slices'] = [];
    for (const mode of ORDER) {
      const before = pids[mode].map(cpuSeconds);
      const result = await driver.load({ url: urls[mode], doneWhen: 'replied', contacts, durationMs: plan.sliceMs });
      pids[mode].forEach((pid, i) => (cpu[mode][i] = (cpu[mode][i] as number) + cpuSeconds(pid) - (before[i] as number)));
      slices.push({ mode, messagesPerSecond: result.messagesPerSecond });
      totals[mode].completed += result.completed;
      totals[mode].ms += result.elapsedMs;
    }
    const rate = (mode: StoreMode) => Math.round((totals[mode].completed / totals[mode].ms) * 1000);
    const us = (seconds: number | undefined, mode: StoreMode) => Math.round(((seconds ?? 0) / totals[mode].completed) * 1e6);
    const cpuUsPerMessage = { lowdb: us(cpu.lowdb[0], 'lowdb'), redisBot: us(cpu.redis[0], 'redis'), redisServer: us(cpu.redis[1], 'redis') };
    return { order: ORDER, slices, lowdb: rate('lowdb'), redis: rate('redis'), ratio: Math.round((rate('redis') / rate('lowdb')) * 1000) / 1000, cpuUsPerMessage };
  } finally {
    await lowdbBot.stop();
  }
}
