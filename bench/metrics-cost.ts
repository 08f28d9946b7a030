/**
 * What the Prometheus metrics cost (issue: under 3% of throughput): two bots on the same seeded
 * store contents, one with CHARTBOT_METRICS=false and one with =true, both running; the load goes
 * to one at a time in short slices, in the order off, on, on, off, off, on, on, off (for single
 * POSTs, then for batches), so that the machine's drift and its other load weigh on both alike.
 * While the metrics bot is loaded, `/metrics` is scraped every second (with its bearer token):
 * more often than Prometheus would (every 15 s by default), so the scrapes' cost is in the figure.
 */
import { request } from 'undici';
import type { LoadResult } from './load-generator.ts';
import type { InProcessMetricsCost } from './metrics-in-process.ts';

export type MetricsMode = 'off' | 'on';
export type MetricsScenario = 'single-message POSTs' | 'batches of 10';

/** One slice of load on one of the two bots. */
export interface MetricsSlice {
  mode: MetricsMode;
  scenario: MetricsScenario;
  messagesPerSecond: number;
  cpuUsPerMessage: number;
  completed: number;
  elapsedMs: number;
}

/** One scenario with metrics off and on, each mode's slices pooled (messages over time). */
export interface MetricsCostRow {
  scenario: MetricsScenario;
  off: { messagesPerSecond: number; cpuUsPerMessage: number };
  on: { messagesPerSecond: number; cpuUsPerMessage: number };
  /** Throughput lost with metrics on, percent (negative: on was faster, i.e. noise). */
  throughputCostPercent: number;
  /** CPU time per message added with metrics on, percent. */
  cpuCostPercent: number;
  /** The noise: how far apart the slices of one mode were (largest ÷ smallest msg/s − 1, the worse mode), percent. */
  sameModeSpreadPercent: number;
}

export interface MetricsCost {
  order: MetricsMode[];
  slices: MetricsSlice[];
  rows: MetricsCostRow[];
  /** Throughput lost over both scenarios (each scenario's ratio, averaged), percent. */
  throughputCostPercent: number;
  scrapeEveryMs: number;
  scrapes: number;
  /** Mean time of one scrape, ms (as the scraper saw it: waiting for a busy bot included). */
  scrapeMs: number;
  /** The metrics' work per message through the runtime, measured in-process (bench/metrics-in-process.ts). */
  inProcess: InProcessMetricsCost;
}

export const METRICS_ORDER: MetricsMode[] = ['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off'];
export const METRICS_SCENARIOS: MetricsScenario[] = ['single-message POSTs', 'batches of 10'];
export const SCRAPE_TOKEN = 'bench-scrape-token';

/** The bot's environment for a mode. */
export function metricsEnv(mode: MetricsMode): Record<string, string> {
  return mode === 'on' ? { CHARTBOT_METRICS: 'true', CHARTBOT_METRICS_TOKEN: SCRAPE_TOKEN } : { CHARTBOT_METRICS: 'false' };
}

/** Scrapes `/metrics` now and every `everyMs` until stopped; resolves with the count and the time taken. */
export function scrapeEvery(url: string, everyMs: number): { stop(): Promise<{ scrapes: number; totalMs: number }> } {
  let scrapes = 0;
  let totalMs = 0;
  let running: Promise<void> = Promise.resolve();
  const scrape = () => {
    running = running.then(async () => {
      const started = performance.now();
      const res = await request(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
      const text = await res.body.text();
      if (res.statusCode !== 200 || !text.includes('chartbot_messages_received_total')) throw new Error(`scrape answered ${res.statusCode}`);
      scrapes++;
      totalMs += performance.now() - started;
    });
  };
  scrape(); // one at once: a slice shorter than `everyMs` (the quick bench) is scraped too
  const timer = setInterval(scrape, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      return { scrapes, totalMs };
    },
  };
}

export function slice(mode: MetricsMode, scenario: MetricsScenario, load: LoadResult & { cpuUsPerMessage?: number }): MetricsSlice {
  return { mode, scenario, messagesPerSecond: load.messagesPerSecond, cpuUsPerMessage: load.cpuUsPerMessage ?? 0, completed: load.completed, elapsedMs: load.elapsedMs };
}

function pooled(slices: MetricsSlice[]): { messagesPerSecond: number; cpuUsPerMessage: number } {
  const completed = slices.reduce((sum, s) => sum + s.completed, 0);
  const seconds = slices.reduce((sum, s) => sum + s.elapsedMs / 1000, 0);
  const cpuUs = slices.reduce((sum, s) => sum + s.cpuUsPerMessage * s.completed, 0);
  return { messagesPerSecond: Math.round(completed / seconds), cpuUsPerMessage: Math.round(cpuUs / completed) };
}

function spread(slices: MetricsSlice[]): number {
  const rates = slices.map((s) => s.messagesPerSecond);
  return Math.max(...rates) / Math.min(...rates) - 1;
}

const percent = (value: number) => Math.round(value * 1000) / 10;

/** Pools each mode's slices per scenario and compares. */
export function metricsCost(slices: MetricsSlice[], scraping: { everyMs: number; scrapes: number; totalMs: number }, inProcess: InProcessMetricsCost): MetricsCost {
  const rows = METRICS_SCENARIOS.map((scenario): MetricsCostRow => {
    const of = (mode: MetricsMode) => slices.filter((s) => s.scenario === scenario && s.mode === mode);
    const off = pooled(of('off'));
    const on = pooled(of('on'));
    return {
      scenario,
      off,
      on,
      throughputCostPercent: percent(1 - on.messagesPerSecond / off.messagesPerSecond),
      cpuCostPercent: percent(on.cpuUsPerMessage / off.cpuUsPerMessage - 1),
      sameModeSpreadPercent: percent(Math.max(spread(of('off')), spread(of('on')))),
    };
  });
  return {
    order: METRICS_ORDER,
    slices,
    rows,
    throughputCostPercent: Math.round((rows.reduce((sum, row) => sum + row.throughputCostPercent, 0) / rows.length) * 10) / 10,
    scrapeEveryMs: scraping.everyMs,
    scrapes: scraping.scrapes,
    scrapeMs: scraping.scrapes === 0 ? 0 : Math.round((scraping.totalMs / scraping.scrapes) * 100) / 100,
    inProcess,
  };
}
