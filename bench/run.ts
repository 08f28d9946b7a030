/**
 * `npm run bench` (`-- --quick` for the smoke run of about a minute and a half, `-- --profile` to write CPU
 * profiles of the bot, `-- --out FILE` for the JSON, `-- --redis` for the end-to-end figures and
 * chartbot on Redis only, `-- --flood` for the webhook flood only). Everything runs on loopback in separate
 * processes: mock provider, load generator, bare-Koa baseline, and the bot as `chartbot start`.
 * Every load is bounded in messages and in time.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBot, type BotProcess } from './bot-process.ts';
import { forkHelper, type Helper } from './ipc.ts';
import { cpuSeconds } from './proc-stats.ts';
import type { LoadJob, LoadResult } from './load-generator.ts';
import { runMicroBenchmarks } from './micro.ts';
import { measurePersistCost } from './persist-cost.ts';
import { measureMetricsInProcess } from './metrics-in-process.ts';
import { metricsCost, metricsEnv, METRICS_ORDER, METRICS_SCENARIOS, scrapeEvery, slice, type MetricsCost, type MetricsMode, type MetricsSlice } from './metrics-cost.ts';
import { budgetChecks, formatEndToEnd, formatMetricsCost, formatResults, mb, type BenchResults, type EndToEnd, type ScalingRun } from './report.ts';
import { measureRedisInstances, type RedisBench } from './redis-instances.ts';
import { formatFlood, formatRedis, redisBudget } from './redis-report.ts';
import { seedContacts } from './seed-contacts.ts';
import { measureFlood, type FloodResult } from './webhook-flood.ts';
import type { LatencySummary } from './stats.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profile = args.includes('--profile');
const outIndex = args.indexOf('--out');
/** `--e2e-only`: baseline and chartbot end to end, no scaling or micro-benchmarks (for profiling rounds). */
const e2eOnly = args.includes('--e2e-only');
/** `--metrics-only`: only the metrics' cost (CHARTBOT_METRICS off and on), for measuring that alone. */
const metricsOnly = args.includes('--metrics-only');
/** `--redis`: bare Koa, bare bot, chartbot on lowdb, then 1, 2, 3 instances on one Redis (bench/redis-instances.ts). */
const redisOnly = args.includes('--redis');
/** `--flood`: only the webhook flood with backpressure (bench/webhook-flood.ts). */
const floodOnly = args.includes('--flood');
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Sizes of each phase; quick mode keeps the whole run around a minute and a half. */
const plan = quick
  ? { warmupMs: 300, runMs: 1_500, metricsSliceMs: 750, metricsRounds: 6, e2eContacts: 2_000, scaling: [1_000, 2_000], scalingMessages: 2_000, persistSaves: 30, microMs: 100, settleMs: 500, redisInstances: [1] }
  : { warmupMs: 2_000, runMs: 10_000, metricsSliceMs: 5_000, metricsRounds: 60, e2eContacts: 20_000, scaling: [1_000, 10_000, 100_000], scalingMessages: 10_000, persistSaves: 300, microMs: 1_000, settleMs: 15_000, redisInstances: [1, 2, 3] };
/** The flood: far more new contacts than CHARTBOT_MAX_BACKLOG (the full run keeps its default, 10,000). */
const floodPlan = quick ? { messages: 3_000, maxBacklog: 300, durationMs: 10_000, drainLimitMs: 20_000 } : { messages: 50_000, maxBacklog: 10_000, durationMs: 60_000, drainLimitMs: 120_000 };
/** `--max-backlog N`: the flood with another CHARTBOT_MAX_BACKLOG (to see how peak RSS follows it). */
if (args.includes('--max-backlog')) floodPlan.maxBacklog = Number(args[args.indexOf('--max-backlog') + 1]);
/** Closed loop: messages outstanding at once (single POSTs / batches of 10). */
const IN_FLIGHT = { single: 64, batch: 200 };
const CONNECTIONS = 16;

const workDir = await mkdtemp(join(tmpdir(), 'chartbot-bench-'));
const startedAt = new Date().toISOString();
const log = (text: string) => process.stderr.write(`[bench ${((performance.now() / 1000) | 0).toString().padStart(3)} s] ${text}\n`);

const { helper: mock, ready: mockReady } = await forkHelper<{ url: string; completionPort: number }>('./mock-provider.ts');
const { helper: generator } = await forkHelper<{ ready: true }>('./load-generator.ts');
const helpers: Helper[] = [mock, generator];
let bot: BotProcess | undefined;

/** Runs one load; `serverPid` is the process whose CPU time per message is reported. */
async function load(job: Partial<LoadJob> & Pick<LoadJob, 'url' | 'doneWhen' | 'contacts'>, serverPid?: number): Promise<LoadResult & { cpuUsPerMessage?: number }> {
  const full: LoadJob = {
    completionPort: mockReady.completionPort,
    batchSize: 1,
    inFlight: IN_FLIGHT.single,
    durationMs: plan.runMs,
    maxMessages: 1_000_000,
    drainMs: 10_000,
    connections: CONNECTIONS,
    ...job,
  };
  const cpuBefore = serverPid === undefined ? 0 : cpuSeconds(serverPid);
  const { result } = await generator.ask<{ result: LoadResult }>('load', { job: full }, full.durationMs + full.drainMs + 30_000);
  if (result.completed === 0) throw new Error(`no message completed in ${JSON.stringify(full)}`);
  if (serverPid === undefined) return result;
  return { ...result, cpuUsPerMessage: Math.round(((cpuSeconds(serverPid) - cpuBefore) / result.completed) * 1e6) };
}

/** Runs a load against the bot and reads the latency the mock provider measured for it. */
async function measured(job: Parameters<typeof load>[0], botPid?: number): Promise<EndToEnd & { latency: LatencySummary }> {
  await mock.ask('reset');
  const result = await load(job, botPid);
  const { latency } = await mock.ask<{ latency: LatencySummary }>('report');
  return { load: result, latency };
}

async function withBaseline(): Promise<BenchResults['baseline']> {
  const { helper: koa, ready } = await forkHelper<{ url: string }>('./bare-koa.ts');
  try {
    const contacts = { first: 0, count: plan.e2eContacts };
    await load({ url: ready.url, doneWhen: 'answered', contacts, durationMs: plan.warmupMs });
    log('bare Koa: single-message POSTs');
    const pid = koa.child.pid as number;
    const single = { load: await load({ url: ready.url, doneWhen: 'answered', contacts }, pid) };
    log('bare Koa: batches of 10');
    const batch = { load: await load({ url: ready.url, doneWhen: 'answered', contacts, batchSize: 10, inFlight: IN_FLIGHT.batch }, pid) };
    return { single, batch };
  } finally {
    await koa.stop();
  }
}

/** Warm-up, then the maximum rate with single-message POSTs and with batches of 10, as the mock saw them. */
async function singleAndBatches(name: string, url: string, pid: number): Promise<{ single: EndToEnd & { latency: LatencySummary }; batch: EndToEnd & { latency: LatencySummary } }> {
  const contacts = { first: 0, count: plan.e2eContacts };
  await load({ url, doneWhen: 'replied', contacts, durationMs: plan.warmupMs });
  log(`${name}: single-message POSTs`);
  const single = await measured({ url, doneWhen: 'replied', contacts }, pid);
  log(`${name}: batches of 10`);
  const batch = await measured({ url, doneWhen: 'replied', contacts, batchSize: 10, inFlight: IN_FLIGHT.batch }, pid);
  return { single, batch };
}

/** The ceiling (bench/bare-bot.ts): only the I/O every message needs, measured like the bot. */
async function withBareBot(): Promise<BenchResults['bareBot']> {
  const journalDir = join(workDir, 'bare-bot');
  await mkdir(journalDir, { recursive: true });
  const { helper: bare, ready } = await forkHelper<{ url: string }>('./bare-bot.ts', [], [mockReady.url, journalDir]);
  try {
    return await singleAndBatches('bare bot', ready.url, bare.child.pid as number);
  } finally {
    await bare.stop();
  }
}

async function withChartbot(): Promise<BenchResults['chartbot']> {
  const dataDir = join(workDir, 'e2e');
  await seedContacts(dataDir, plan.e2eContacts);
  const profileDir = profile ? join(RESULTS_DIR, 'profiles') : undefined;
  bot = await startBot({ mockUrl: mockReady.url, dataDir, logFile: join(workDir, 'e2e.log'), cpuProfileDir: profileDir });
  try {
    const contacts = { first: 0, count: plan.e2eContacts };
    const { single, batch } = await singleAndBatches('chartbot', bot.url, bot.pid);
    const ratePerSecond = Math.max(1, Math.round(single.load.messagesPerSecond / 2));
    log(`chartbot: single-message POSTs at half the maximum (${ratePerSecond}/s)`);
    const halfRate = await measured({ url: bot.url, doneWhen: 'replied', contacts, ratePerSecond }, bot.pid);
    return { single, batch, halfRate: { ...halfRate, ratePerSecond } };
  } finally {
    const code = await bot.stop();
    bot = undefined;
    if (code !== 0) throw new Error(`chartbot exited ${code} on SIGTERM; see ${join(workDir, 'e2e.log')}`);
    if (profileDir) log(`CPU profile of the bot written to ${profileDir}`);
  }
}

/** 1, 2, 3 bots on one Redis (bench/redis-instances.ts), with the contacts the lowdb run had. */
function withRedis(): Promise<RedisBench> {
  return measureRedisInstances({ mockUrl: mockReady.url, workDir, measured: (job) => measured(job), load: (job) => load(job), log }, { instances: plan.redisInstances, contacts: plan.e2eContacts, warmupMs: plan.warmupMs, sliceMs: plan.metricsSliceMs });
}

function withFlood(): Promise<FloodResult> {
  return measureFlood({ mockUrl: mockReady.url, workDir, load: (job) => load(job), log }, floodPlan);
}

/**
 * The metrics' cost (bench/metrics-cost.ts): two bots, metrics off and on, the load sent to one at
 * a time in slices, in the order off, on, on, off, off, on, on, off, for each scenario.
 */
async function withAndWithoutMetrics(): Promise<MetricsCost> {
  const bots: Partial<Record<MetricsMode, BotProcess>> = {};
  const slices: MetricsSlice[] = [];
  const scraping = { everyMs: 1000, scrapes: 0, totalMs: 0 };
  const contacts = { first: 0, count: plan.e2eContacts };
  try {
    for (const mode of ['off', 'on'] as const) {
      const dataDir = join(workDir, `metrics-${mode}`);
      await seedContacts(dataDir, plan.e2eContacts);
      bots[mode] = await startBot({ mockUrl: mockReady.url, dataDir, logFile: join(workDir, `metrics-${mode}.log`), env: metricsEnv(mode) });
    }
    // Both warmed up right before the slices, so that neither starts cold.
    for (const running of Object.values(bots)) await load({ url: running.url, doneWhen: 'replied', contacts, durationMs: plan.warmupMs });
    for (const scenario of METRICS_SCENARIOS) {
      log(`metrics off and on: ${scenario}, ${METRICS_ORDER.length} slices of ${plan.metricsSliceMs} ms`);
      for (const mode of METRICS_ORDER) {
        const target = bots[mode] as BotProcess;
        const scraper = mode === 'on' ? scrapeEvery(target.url, scraping.everyMs) : undefined;
        const batch = scenario === 'batches of 10' ? { batchSize: 10, inFlight: IN_FLIGHT.batch } : {};
        const result = await load({ url: target.url, doneWhen: 'replied', contacts, durationMs: plan.metricsSliceMs, ...batch }, target.pid);
        slices.push(slice(mode, scenario, result));
        const scraped = await scraper?.stop();
        scraping.scrapes += scraped?.scrapes ?? 0;
        scraping.totalMs += scraped?.totalMs ?? 0;
      }
    }
  } finally {
    for (const running of Object.values(bots)) await running.stop();
  }
  log('metrics off and on: in-process rounds through the runtime');
  return metricsCost(slices, scraping, await measureMetricsInProcess(plan.metricsRounds));
}

async function scalingRun(contacts: number): Promise<ScalingRun> {
  const dataDir = join(workDir, `scale-${contacts}`);
  log(`scaling: seeding ${contacts} contacts`);
  await seedContacts(dataDir, contacts);
  const persist = await measurePersistCost(dataDir, contacts, plan.persistSaves);
  bot = await startBot({ mockUrl: mockReady.url, dataDir, logFile: join(workDir, `scale-${contacts}.log`) });
  try {
    // Every seeded contact gets a message at least once (RSS is read after `contacts` distinct conversations).
    const maxMessages = Math.max(contacts, plan.scalingMessages);
    log(`scaling: ${maxMessages} messages over ${contacts} stored contacts`);
    const run = await measured({ url: bot.url, doneWhen: 'replied', contacts: { first: 0, count: contacts }, maxMessages, durationMs: 360_000 }, bot.pid);
    // Read RSS once the bot has been idle a moment (V8 collects when allocation stops); the peak is kept too.
    await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
    const memory = bot.memory();
    return { contacts, persist, load: run.load, latency: run.latency, rss: memory.rss, peakRss: memory.peakRss };
  } finally {
    await bot.stop();
    bot = undefined;
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    loadAverageAtStart: loadavg(),
    totalMemoryGb: Math.round(totalmem() / 1024 ** 3),
  };
  if (metricsOnly) {
    process.stdout.write(formatMetricsCost(await withAndWithoutMetrics()) + '\n');
    process.exit(0);
  }
  if (floodOnly) {
    process.stdout.write(formatFlood(await withFlood()) + '\n');
    process.exit(0);
  }
  const baseline = await withBaseline();
  const bareBot = await withBareBot();
  const chartbot = await withChartbot();
  if (e2eOnly) {
    process.stdout.write(formatEndToEnd(baseline, bareBot, chartbot) + '\n');
  } else if (redisOnly) {
    const redis = await withRedis();
    const checks = redisBudget(redis).map((b) => `${b.check}: ${b.value} (target ${b.target}) ${b.met ? 'met' : 'NOT met'}`);
    process.stdout.write([formatEndToEnd(baseline, bareBot, chartbot), '', formatRedis(redis, chartbot.single, bareBot.single), '', ...checks].join('\n') + '\n');
  } else {
    const metrics = await withAndWithoutMetrics();
    const redis = await withRedis();
    const flood = await withFlood();
    await scalingAndMicro(machine, baseline, bareBot, chartbot, metrics, redis, flood);
  }
} finally {
  await bot?.stop();
  for (const helper of helpers) await helper.stop();
  await rm(workDir, { recursive: true, force: true });
}

async function scalingAndMicro(machine: BenchResults['machine'], baseline: BenchResults['baseline'], bareBot: BenchResults['bareBot'], chartbot: BenchResults['chartbot'], metrics: MetricsCost, redis: RedisBench, flood: FloodResult): Promise<void> {
  const scaling: ScalingRun[] = [];
  for (const contacts of plan.scaling) scaling.push(await scalingRun(contacts));
  log('micro-benchmarks');
  const micro = await runMicroBenchmarks(plan.microMs);
  const largest = scaling[scaling.length - 1] as ScalingRun;
  const partial: Omit<BenchResults, 'budget'> = {
    mode: quick ? 'quick' : 'full',
    startedAt,
    machine,
    baseline,
    bareBot,
    chartbot,
    metrics,
    singleRatioToBareKoa: chartbot.single.load.messagesPerSecond / baseline.single.load.postsPerSecond,
    scaling,
    persistRatio: largest.persist.p50Ms / (scaling[0] as ScalingRun).persist.p50Ms,
    memory: { contacts: largest.contacts, rssMb: mb(largest.rss), peakRssMb: mb(largest.peakRss) },
    micro,
    redis,
    flood,
  };
  const results: BenchResults = { ...partial, budget: budgetChecks(partial) };
  const outFile = outIndex >= 0 ? (args[outIndex + 1] as string) : join(RESULTS_DIR, `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  if (outIndex < 0) await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(formatResults(results) + `\n\nJSON: ${outFile}\n`);
}
