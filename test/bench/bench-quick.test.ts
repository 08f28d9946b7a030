import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/report.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// A smoke check that `npm run bench -- --quick` works end to end: it measures every figure and
// writes them. No thresholds: performance targets live in the bench's own report, not in tests.
describe('npm run bench -- --quick', () => {
  it('runs every phase against real processes and writes a complete JSON result and a table', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chartbot-bench-test-'));
    const out = join(dir, 'results.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, output).toBe(0);

    const results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
    expect(results.mode).toBe('quick');
    for (const run of [results.baseline.single, results.baseline.batch, results.bareBot.single, results.bareBot.batch, results.chartbot.single, results.chartbot.batch, results.chartbot.halfRate]) {
      expect(run.load.completed).toBeGreaterThan(0);
      expect(run.load.httpErrors).toBe(0);
      expect(run.load.messagesPerSecond).toBeGreaterThan(0);
    }
    // Batches carry ten messages per POST; the mock saw every chartbot message's receipt and reply.
    expect(results.chartbot.batch.load.messages).toBe(results.chartbot.batch.load.posts * 10);
    expect(results.chartbot.single.latency?.count).toBe(results.chartbot.single.load.completed);
    // The bare bot (the ceiling) is measured like chartbot: its replies reached the mock.
    expect(results.bareBot.single.latency?.count).toBe(results.bareBot.single.load.completed);
    expect(results.scaling.map((s) => s.contacts)).toEqual([1000, 2000]);
    for (const run of results.scaling) {
      expect(run.load.completed).toBe(Math.max(run.contacts, 2000));
      expect(run.persist.p50Ms).toBeGreaterThan(0);
      expect(run.rss).toBeGreaterThan(0);
    }
    expect(results.memory.rssMb).toBeGreaterThan(0);
    expect(results.micro.map((m) => m.opsPerSecond > 0)).toEqual([true, true, true, true, true, true, true, true]);
    // Metrics off and on, in slices ordered off, on, on, off, …, both scenarios measured, scraped while on.
    expect(results.metrics.order).toEqual(['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off']);
    expect(results.metrics.slices.map((s) => s.mode)).toEqual([...results.metrics.order, ...results.metrics.order]);
    for (const s of results.metrics.slices) expect(s.completed).toBeGreaterThan(0);
    expect(results.metrics.rows.map((row) => row.scenario)).toEqual(['single-message POSTs', 'batches of 10']);
    for (const row of results.metrics.rows) expect([row.off.messagesPerSecond > 0, row.on.messagesPerSecond > 0]).toEqual([true, true]);
    expect(results.metrics.scrapes).toBeGreaterThan(0);
    expect([results.metrics.inProcess.offUs > 0, results.metrics.inProcess.onUs > 0]).toEqual([true, true]);
    expect(Number.isFinite(results.metrics.throughputCostPercent)).toBe(true);
    // One small Redis run: one instance on a real redis-server, every message's round trips and commands counted.
    expect(results.redis.appendfsync).toBe('always');
    expect(results.redis.runs.map((run) => run.instances)).toEqual([1]);
    for (const run of results.redis.runs) {
      expect(run.load.completed).toBeGreaterThan(0);
      expect(run.load.httpErrors).toBe(0);
      expect(run.latency.count).toBe(run.load.completed);
      expect(run.roundTripsByOperation.chartbotIntake).toBeGreaterThan(0);
      expect(run.roundTripsByOperation.chartbotClaim).toBeGreaterThan(0);
      expect(run.commandsByName.evalsha).toBeGreaterThan(0);
      expect([run.botCpuUsPerMessage > 0, run.redisCpuUsPerMessage > 0]).toEqual([true, true]);
    }
    // One instance and one lowdb process in alternating slices, both measured.
    expect(results.redis.sideBySide.slices.map((s) => s.mode)).toEqual(results.redis.sideBySide.order);
    expect([results.redis.sideBySide.lowdb > 0, results.redis.sideBySide.redis > 0]).toEqual([true, true]);
    expect(Object.values(results.redis.sideBySide.cpuUsPerMessage).every((us) => us > 0)).toBe(true);
    // The small flood goes past CHARTBOT_MAX_BACKLOG: some batches accepted, some refused with 503, nothing else.
    expect(results.flood.load.completed).toBeGreaterThan(0);
    expect(results.flood.load.unavailable).toBeGreaterThan(0);
    expect(results.flood.load.httpErrors).toBe(results.flood.load.unavailable);
    expect(results.flood.peakRssMb).toBeGreaterThanOrEqual(results.flood.idleRssMb);
    expect(results.flood.drained).toBe(true);
    expect(results.budget).toHaveLength(9);
    expect(output).toContain('chartbot / bare Koa (single-message POSTs)');
    expect(output).toContain('bare bot / bare Koa');
    expect(output).toContain('persist cost ratio 2000/1000');
    expect(output).toContain('throughput lost with metrics on');
    expect(output).toContain('chartbot on Redis, 1 instance');
    expect(output).toContain('Webhook flood with backpressure');
  }, 180_000); // the quick bench takes about a minute here; more on a busy machine
});
