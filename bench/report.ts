import type { LatencySummary } from './stats.ts';
import type { LoadResult } from './load-generator.ts';
import type { MicroResult } from './micro.ts';
import type { PersistCost } from './persist-cost.ts';
import type { MetricsCost } from './metrics-cost.ts';
import type { RedisBench } from './redis-instances.ts';
import { formatFlood, formatRedis, redisBudget } from './redis-report.ts';
import { table } from './table.ts';
import type { FloodResult } from './webhook-flood.ts';

export interface EndToEnd {
  /** `cpuUsPerMessage`: CPU time (user + system) of the server process per message, µs. */
  load: LoadResult & { cpuUsPerMessage?: number };
  latency?: LatencySummary;
}

export interface ScalingRun {
  contacts: number;
  persist: PersistCost;
  load: LoadResult & { cpuUsPerMessage?: number };
  latency: LatencySummary;
  /** Bot RSS after the run, bytes. */
  rss: number;
  peakRss: number;
}

/** Everything one `npm run bench` measured; written as JSON under bench/results/. */
export interface BenchResults {
  mode: 'full' | 'quick';
  startedAt: string;
  machine: { cpus: number; model: string; node: string; loadAverageAtStart: number[]; totalMemoryGb: number };
  baseline: { single: EndToEnd; batch: EndToEnd };
  /**
   * bench/bare-bot.ts: only the I/O every message needs (signature, journal + fdatasync before the
   * 200, a committed state line, read receipt and reply through undici). The highest figure any bot
   * doing that I/O reaches on this machine.
   */
  bareBot: { single: EndToEnd; batch: EndToEnd };
  chartbot: { single: EndToEnd; batch: EndToEnd; halfRate: EndToEnd & { ratePerSecond: number } };
  /** The Prometheus metrics' cost: the same load with CHARTBOT_METRICS off and on (bench/metrics-cost.ts). */
  metrics: MetricsCost;
  /** chartbot messages/s ÷ bare Koa requests/s, single-message POSTs. */
  singleRatioToBareKoa: number;
  scaling: ScalingRun[];
  /** Persist cost (p50) at the largest store ÷ at the smallest. */
  persistRatio: number;
  memory: { contacts: number; rssMb: number; peakRssMb: number };
  micro: MicroResult[];
  /** chartbot on Redis: 1, 2, 3 instances on one redis-server (bench/redis-instances.ts). */
  redis: RedisBench;
  /** Memory and 503s under a webhook flood with backpressure (bench/webhook-flood.ts). */
  flood: FloodResult;
  budget: Array<{ check: string; value: string; target: string; met: boolean }>;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export function budgetChecks(r: Omit<BenchResults, 'budget'>): BenchResults['budget'] {
  const largest = r.scaling[r.scaling.length - 1];
  const smallest = r.scaling[0];
  return [
    { check: 'single POSTs vs bare Koa', value: `${(r.singleRatioToBareKoa * 100).toFixed(0)}%`, target: '≥ 30%', met: r.singleRatioToBareKoa >= 0.3 },
    { check: 'batches of 10, messages/s', value: String(r.chartbot.batch.load.messagesPerSecond), target: '≥ 4000', met: r.chartbot.batch.load.messagesPerSecond >= 4000 },
    {
      check: `p99 at half max (${r.chartbot.halfRate.ratePerSecond}/s)`,
      value: `${r.chartbot.halfRate.latency?.p99 ?? NaN} ms`,
      target: '≤ 50 ms',
      met: (r.chartbot.halfRate.latency?.p99 ?? Infinity) <= 50 && !r.chartbot.halfRate.load.overloaded,
    },
    {
      check: `persist ${largest?.contacts ?? 0} / ${smallest?.contacts ?? 0} contacts`,
      value: `${r.persistRatio.toFixed(2)}×`,
      target: '≤ 1.5×',
      met: r.persistRatio <= 1.5,
    },
    { check: `RSS after ${r.memory.contacts} contacts`, value: `${r.memory.rssMb} MB`, target: '≤ 300 MB', met: r.memory.rssMb <= 300 },
    { check: 'throughput lost with metrics on (end to end)', value: `${r.metrics.throughputCostPercent}%`, target: '< 3%', met: r.metrics.throughputCostPercent < 3 },
    {
      check: "metrics' CPU per message (in-process) ÷ chartbot's (single POSTs)",
      value: `${((r.metrics.inProcess.addedUs / (r.chartbot.single.load.cpuUsPerMessage ?? Infinity)) * 100).toFixed(1)}%`,
      target: '< 3%',
      met: r.metrics.inProcess.addedUs / (r.chartbot.single.load.cpuUsPerMessage ?? Infinity) < 0.03,
    },
    ...redisBudget(r.redis),
  ];
}

export function formatEndToEnd(baseline: BenchResults['baseline'], bareBot: BenchResults['bareBot'], chartbot: BenchResults['chartbot']): string {
  const koaSingle = baseline.single.load.postsPerSecond;
  const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
  const lat = (e: EndToEnd) => (e.latency ? [e.latency.p50, e.latency.p99, e.latency.max] : ['', '', '']);
  const rates = (e: EndToEnd) => [e.load.messagesPerSecond, e.load.postsPerSecond, e.load.cpuUsPerMessage ?? ''];
  return [
    'End to end (a message counts when its read receipt and its reply reached the mock provider; latency inbound → reply, ms)',
    table(
      ['scenario', 'msg/s', 'POST/s', 'CPU µs/msg', 'p50', 'p99', 'max'],
      [
        ['bare Koa, single-message POSTs', ...rates(baseline.single), '', '', ''],
        ['bare bot (required I/O only), single', ...rates(bareBot.single), ...lat(bareBot.single)],
        ['chartbot, single-message POSTs', ...rates(chartbot.single), ...lat(chartbot.single)],
        ['bare Koa, batches of 10', ...rates(baseline.batch), '', '', ''],
        ['bare bot (required I/O only), batches', ...rates(bareBot.batch), ...lat(bareBot.batch)],
        ['chartbot, batches of 10', ...rates(chartbot.batch), ...lat(chartbot.batch)],
        [
          `chartbot, single at half max (${chartbot.halfRate.ratePerSecond}/s)${chartbot.halfRate.load.overloaded ? ' OVERLOADED' : ''}`,
          ...rates(chartbot.halfRate),
          ...lat(chartbot.halfRate),
        ],
      ],
    ),
    `chartbot / bare Koa (single-message POSTs): ${percent(chartbot.single.load.messagesPerSecond, koaSingle)}`,
    `bare bot / bare Koa (the ceiling for any bot doing the required I/O here): ${percent(bareBot.single.load.messagesPerSecond, koaSingle)}`,
    `chartbot / bare bot (single / batches): ${percent(chartbot.single.load.messagesPerSecond, bareBot.single.load.messagesPerSecond)} / ${percent(chartbot.batch.load.messagesPerSecond, bareBot.batch.load.messagesPerSecond)}`,
  ].join('\n');
}

export function formatMetricsCost(m: MetricsCost): string {
  return [
    `Metrics cost (two bots, CHARTBOT_METRICS off and on; load in slices, in the order ${m.order.join(', ')}; /metrics scraped every ${m.scrapeEveryMs / 1000} s while on: ${m.scrapes} scrapes, answered in ${m.scrapeMs} ms on average)`,
    table(
      ['scenario', 'msg/s off', 'msg/s on', 'throughput lost', 'CPU µs/msg off', 'CPU µs/msg on', 'CPU added', 'noise (same-mode spread)'],
      m.rows.map((row) => [row.scenario, row.off.messagesPerSecond, row.on.messagesPerSecond, `${row.throughputCostPercent}%`, row.off.cpuUsPerMessage, row.on.cpuUsPerMessage, `${row.cpuCostPercent}%`, `${row.sameModeSpreadPercent}%`]),
    ),
    `slices (msg/s): ${m.rows.map((row) => `${row.scenario}: ${m.slices.filter((s) => s.scenario === row.scenario).map((s) => `${s.mode} ${s.messagesPerSecond}`).join(', ')}`).join('; ')}`,
    `throughput lost with metrics on (mean of both scenarios): ${m.throughputCostPercent}%`,
    `in-process, through the runtime (${m.inProcess.rounds} alternating rounds of ${m.inProcess.messagesPerRound} messages, medians): ${m.inProcess.offUs} µs/msg off, ${m.inProcess.onUs} on: metrics add ${m.inProcess.addedUs} µs per message`,
  ].join('\n');
}

export function formatResults(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `chartbot bench (${r.mode}) ${r.startedAt} — ${r.machine.cpus}× ${r.machine.model}, ${r.machine.totalMemoryGb} GB, node ${r.machine.node}, load average at start ${r.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    formatEndToEnd(r.baseline, r.bareBot, r.chartbot),
    '',
    'Scaling with contacts already in the store (single-message POSTs; persist = load + change + durable save of one contact)',
    table(
      ['contacts', 'msg/s', 'CPU µs/msg', 'p50 ms', 'p99 ms', 'persist p50 ms', 'persist mean ms', 'RSS MB'],
      r.scaling.map((s) => [s.contacts, s.load.messagesPerSecond, s.load.cpuUsPerMessage ?? '', s.latency.p50, s.latency.p99, s.persist.p50Ms, s.persist.meanMs, mb(s.rss)]),
    ),
    `persist cost ratio ${r.scaling[r.scaling.length - 1]?.contacts ?? 0}/${r.scaling[0]?.contacts ?? 0}: ${r.persistRatio.toFixed(2)}×`,
    `RSS after ${r.memory.contacts} distinct contacts each had a conversation (read once the load stopped and the bot idled a moment): ${r.memory.rssMb} MB (peak ${r.memory.peakRssMb} MB)`,
    '',
    formatMetricsCost(r.metrics),
    '',
    formatRedis(r.redis, r.chartbot.single, r.bareBot.single),
    '',
    formatFlood(r.flood),
    '',
    'Micro-benchmarks (tinybench, in-process)',
    table(
      ['task', 'ops/s', 'mean µs', 'p99 µs'],
      r.micro.map((m) => [m.name, m.opsPerSecond, m.meanUs, m.p99Us]),
    ),
    '',
    'Budget (informational: figures vary with other load on the machine)',
    table(
      ['check', 'measured', 'target', ''],
      r.budget.map((b) => [b.check, b.value, b.target, b.met ? 'met' : 'NOT met']),
    ),
  );
  return out.join('\n');
}

export { mb };
