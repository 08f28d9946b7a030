/**
 * What the Prometheus metrics cost (issue: under 3% of throughput): the same bot, store and load
 * with CHARTBOT_METRICS=false and =true, in one run, in the order off, on, on, off so that a drift
 * of the machine (other load, a warming disk) weighs on both alike. While on, `/metrics` is scraped
 * every second (with its bearer token): more often than Prometheus would (every 15 s by default), so
 * the scrapes' own cost is in the figure.
 */
import { request } from 'undici';
import type { EndToEnd } from './report.ts';

export type MetricsMode = 'off' | 'on';

/** One scenario (single POSTs, or batches of 10) measured with metrics off and on. */
export interface MetricsCostRow {
  scenario: string;
  off: { messagesPerSecond: number; cpuUsPerMessage: number };
  on: { messagesPerSecond: number; cpuUsPerMessage: number };
  /** Throughput lost with metrics on, percent (negative: on was faster, i.e. noise). */
  throughputCostPercent: number;
  /** CPU time per message added with metrics on, percent. */
  cpuCostPercent: number;
}

export interface MetricsCost {
  order: MetricsMode[];
  rows: MetricsCostRow[];
  /** Throughput lost over both scenarios (messages over time, summed), percent. */
  throughputCostPercent: number;
  scrapeEveryMs: number;
  scrapes: number;
  /** Mean time of one scrape, ms (as the scraper saw it: waiting for a busy bot included). */
  scrapeMs: number;
}

export const METRICS_ORDER: MetricsMode[] = ['off', 'on', 'on', 'off'];
export const SCRAPE_TOKEN = 'bench-scrape-token';

/** The bot's environment for a mode. */
export function metricsEnv(mode: MetricsMode): Record<string, string> {
  return mode === 'on' ? { CHARTBOT_METRICS: 'true', CHARTBOT_METRICS_TOKEN: SCRAPE_TOKEN } : { CHARTBOT_METRICS: 'false' };
}

/** Scrapes `/metrics` every `everyMs` until stopped; resolves with the count and the mean time. */
export function scrapeEvery(url: string, everyMs: number): { stop(): Promise<{ scrapes: number; totalMs: number }> } {
  let scrapes = 0;
  let totalMs = 0;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      const started = performance.now();
      const res = await request(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
      const text = await res.body.text();
      if (res.statusCode !== 200 || !text.includes('chartbot_messages_received_total')) throw new Error(`scrape answered ${res.statusCode}`);
      scrapes++;
      totalMs += performance.now() - started;
    });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      return { scrapes, totalMs };
    },
  };
}

type Measured = { single: EndToEnd; batch: EndToEnd };

function totals(runs: EndToEnd[]): { messagesPerSecond: number; cpuUsPerMessage: number; completed: number; seconds: number } {
  const completed = runs.reduce((sum, r) => sum + r.load.completed, 0);
  const seconds = runs.reduce((sum, r) => sum + r.load.elapsedMs / 1000, 0);
  const cpuUs = runs.reduce((sum, r) => sum + (r.load.cpuUsPerMessage ?? 0) * r.load.completed, 0);
  return { messagesPerSecond: Math.round(completed / seconds), cpuUsPerMessage: Math.round(cpuUs / completed), completed, seconds };
}

const percent = (value: number) => Math.round(value * 1000) / 10;

/** Pools the runs of each mode (messages over time) and compares. */
export function metricsCost(runs: Array<{ mode: MetricsMode; measured: Measured }>, scraping: { everyMs: number; scrapes: number; totalMs: number }): MetricsCost {
  const rows: MetricsCostRow[] = [];
  const all: Record<MetricsMode, EndToEnd[]> = { off: [], on: [] };
  for (const [scenario, pick] of [
    ['single-message POSTs', (m: Measured) => m.single],
    ['batches of 10', (m: Measured) => m.batch],
  ] as const) {
    const off = totals(runs.filter((r) => r.mode === 'off').map((r) => pick(r.measured)));
    const on = totals(runs.filter((r) => r.mode === 'on').map((r) => pick(r.measured)));
    for (const r of runs) all[r.mode].push(pick(r.measured));
    rows.push({
      scenario,
      off: { messagesPerSecond: off.messagesPerSecond, cpuUsPerMessage: off.cpuUsPerMessage },
      on: { messagesPerSecond: on.messagesPerSecond, cpuUsPerMessage: on.cpuUsPerMessage },
      throughputCostPercent: percent(1 - on.messagesPerSecond / off.messagesPerSecond),
      cpuCostPercent: percent(on.cpuUsPerMessage / off.cpuUsPerMessage - 1),
    });
  }
  const off = totals(all.off);
  const on = totals(all.on);
  return {
    order: runs.map((r) => r.mode),
    rows,
    throughputCostPercent: percent(1 - on.completed / on.seconds / (off.completed / off.seconds)),
    scrapeEveryMs: scraping.everyMs,
    scrapes: scraping.scrapes,
    scrapeMs: scraping.scrapes === 0 ? 0 : Math.round((scraping.totalMs / scraping.scrapes) * 100) / 100,
  };
}
