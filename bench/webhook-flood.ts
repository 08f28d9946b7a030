/**
 * Memory under a webhook flood with backpressure (CHARTBOT_MAX_BACKLOG): a `chartbot start` process
 * (lowdb) gets batches of 10 messages from contacts it has never seen, as fast as it answers them,
 * so more arrives than it can work off. Beyond the backlog limit it answers 503 and records nothing.
 * Reported: the bot's peak RSS (VmHWM), the 503s, what was accepted, and how long the accepted
 * backlog took to drain. Bounded in messages, in posting time and in drain time.
 */
import { join } from 'node:path';
import { request } from 'undici';
import { startBot } from './bot-process.ts';
import type { LoadJob, LoadResult } from './load-generator.ts';
import { metricsEnv, SCRAPE_TOKEN } from './metrics-cost.ts';

export interface FloodResult {
  maxBacklog: number;
  batchSize: number;
  load: LoadResult;
  /** Bot RSS before the flood, at its peak (VmHWM), and once the accepted backlog drained; MB. */
  idleRssMb: number;
  peakRssMb: number;
  drainedRssMb: number;
  /** From the end of posting until the backlog was empty (or the drain limit, then `drained` false). */
  drainMs: number;
  drained: boolean;
}

export interface FloodDriver {
  mockUrl: string;
  workDir: string;
  load(job: Partial<LoadJob> & Pick<LoadJob, 'url' | 'doneWhen' | 'contacts'>): Promise<LoadResult>;
  log(text: string): void;
}

/** POSTs outstanding at once, each on its own connection. */
const FLOOD_POSTS = 128;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** The bot's `chartbot_backlog` gauge (contact jobs queued or running). */
async function backlogOf(url: string): Promise<number> {
  const res = await request(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
  const text = await res.body.text();
  return Number(/^chartbot_backlog (\d+)/m.exec(text)?.[1] ?? NaN);
}

export async function measureFlood(driver: FloodDriver, plan: { messages: number; maxBacklog: number; durationMs: number; drainLimitMs: number }): Promise<FloodResult> {
  const batchSize = 10;
  const env = { ...metricsEnv('on'), CHARTBOT_MAX_BACKLOG: String(plan.maxBacklog) };
  const bot = await startBot({ mockUrl: driver.mockUrl, dataDir: join(driver.workDir, 'flood'), logFile: join(driver.workDir, 'flood.log'), env });
  try {
    const idle = bot.memory();
    driver.log(`flood: ${plan.messages} messages from new contacts, batches of ${batchSize}, CHARTBOT_MAX_BACKLOG=${plan.maxBacklog}`);
    // Contacts far above the seeded ones: every message starts a new conversation.
    const contacts = { first: 10_000_000, count: plan.messages };
    // Many POSTs at once (as a gateway re-delivering a backlog does), so intake outruns processing.
    const load = await driver.load({ url: bot.url, doneWhen: 'answered', contacts, batchSize, inFlight: FLOOD_POSTS * batchSize, connections: FLOOD_POSTS, maxMessages: plan.messages, durationMs: plan.durationMs });
    const drainStarted = performance.now();
    let drained = false;
    while (performance.now() - drainStarted < plan.drainLimitMs) {
      if ((await backlogOf(bot.url)) === 0) {
        drained = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drainMs = Math.round(performance.now() - drainStarted);
    const after = bot.memory();
    return { maxBacklog: plan.maxBacklog, batchSize, load, idleRssMb: mb(idle.rss), peakRssMb: mb(after.peakRss), drainedRssMb: mb(after.rss), drainMs, drained };
  } finally {
    const code = await bot.stop();
    if (code !== 0) driver.log(`flood: the bot exited ${code} on SIGTERM; see ${join(driver.workDir, 'flood.log')}`);
  }
}
