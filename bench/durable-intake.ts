/**
 * `npm run bench:intake [-- --batches N --concurrency C]`: what "acknowledged means durable" costs.
 * The same bot (real Koa server, lowdb store, mock Cloud API on loopback) is driven three ways:
 *   - no journal: the 200 is sent before anything is on disk (the old behaviour, not durable);
 *   - journal + group commit: the 200 waits for an fsync shared by every batch that arrived meanwhile;
 *   - journal, one fsync per batch: the same without group commit.
 * Prints acknowledged batches/s, ack latency p50/p99, end-to-end messages/s (until every reply was
 * sent) and fsyncs per batch; then the journal alone (appends/s with and without group commit).
 * Numbers, not assertions: run it on the machine you care about.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createBot, type BotOptions } from '../src/server/create-bot.ts';
import { cloudApiProvider } from '../src/providers/cloud-api.ts';
import { silentLogger } from '../src/logger.ts';
import { loadFlowFile } from '../src/conversation/load-flows.ts';
import { startMockProvider } from '../test/helpers/mock-provider.ts';
import { envelope } from '../test/helpers/webhooks.ts';
import { InboxJournal } from '../src/durability/inbox-journal.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const batches = option('batches', 2000);
const concurrency = option('concurrency', 32);
const flow = await loadFlowFile(new URL('../scripts/chaos/flows/ledger.ts', import.meta.url).pathname);

interface Mode {
  name: string;
  journal: BotOptions['journal'];
}
const modes: Mode[] = [
  { name: 'no journal (not durable)', journal: false },
  { name: 'journal, group commit', journal: true },
  { name: 'journal, fsync per batch', journal: { groupCommit: false } },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(mode: Mode) {
  const mock = await startMockProvider();
  const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-bench-'));
  const provider = cloudApiProvider({ token: 'bench', baseUrl: `${mock.url}/v23.0` });
  const bot = await createBot({
    flows: [flow],
    provider,
    dataDir,
    logger: silentLogger(),
    markRead: false,
    journal: mode.journal,
    // One message per contact here, but keep the pair-rate pacing out of the measurement anyway.
    delivery: { limits: { perNumberMps: 1e6, recipientBurst: 1e6 } },
  });
  const { url } = await bot.listen(0);
  const agent = new Agent({ connections: concurrency });
  const bodies = Array.from({ length: batches }, (_, i) =>
    JSON.stringify(envelope({ messages: [{ from: `49${100000 + i}`, id: `wamid.bench.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `m${i}` } }] })),
  );
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = Date.now() + 120_000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length && Date.now() < deadline) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const response = await request(`${url}/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const acked = performance.now();
  while (mock.sends().length < latencies.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await bot.runtime.idle();
  const done = performance.now();
  const journal = bot.inbox?.journal.stats;
  await bot.close();
  await provider.close?.();
  await agent.close();
  await mock.close();
  await rm(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    mode: mode.name,
    'acks/s': Math.round(latencies.length / ((acked - started) / 1000)),
    'ack p50 ms': Number(percentile(latencies, 50).toFixed(2)),
    'ack p99 ms': Number(percentile(latencies, 99).toFixed(2)),
    'end-to-end msgs/s': Math.round(latencies.length / ((done - started) / 1000)),
    'fsyncs/batch': journal ? Number((journal.fsyncs / latencies.length).toFixed(3)) : 0,
  };
}

console.log(`durable intake: ${batches} webhook batches (1 message each, distinct contacts), ${concurrency} concurrent POSTs, node ${process.version}`);
const rows = [];
for (const mode of modes) rows.push(await run(mode));
console.table(rows);

/** The journal alone: how many durable appends per second, and how many fsyncs they took. */
async function journalAlone(groupCommit: boolean, appends: number) {
  const dir = await mkdtemp(join(tmpdir(), 'chartbot-bench-journal-'));
  const { journal } = await InboxJournal.open({ dir, groupCommit });
  const body = Buffer.from(bodiesSample);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < appends) journal.markDone(await journal.append(body));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { fsyncs } = journal.stats;
  await journal.close();
  await rm(dir, { recursive: true, force: true });
  return { mode: groupCommit ? 'journal alone, group commit' : 'journal alone, fsync per batch', 'appends/s': Math.round(appends / seconds), 'fsyncs/batch': Number((fsyncs / appends).toFixed(3)) };
}

const bodiesSample = JSON.stringify(envelope({ messages: [{ from: '49100000', id: 'wamid.bench.x', timestamp: '1700000000', type: 'text', text: { body: 'hello' } }] }));
console.table([await journalAlone(true, 20_000), await journalAlone(false, 2_000)]);
