/**
 * Runtime micro-benchmarks (tinybench), in-process: the CPU each piece of the message path costs
 * on its own, to tell which part an end-to-end change moved.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { buttons } from '../src/messages/builders.ts';
import { parseWebhook } from '../src/messages/parse-webhook.ts';
import { runStep } from '../src/conversation/run-step.ts';
import { lowdbStore } from '../src/store/lowdb-store.ts';
import { memoryStore } from '../src/store/memory-store.ts';
import { Runtime } from '../src/conversation/runtime.ts';
import { consoleProvider } from '../src/providers/console.ts';
import { BotMetrics } from '../src/observability/bot-metrics.ts';
import type { UserEvent } from '../src/messages/inbound-events.ts';
import { contactKey } from '../src/store/contact-record.ts';
import { BENCH_NUMBER, waIdOf } from './contacts.ts';
import benchEcho, { benchEchoMachine } from './flows/bench-echo.ts';
import { toFlow } from '../src/conversation/load-flows.ts';
import { benchRecord } from './seed-contacts.ts';
import { round } from './stats.ts';
import { migrateConversation } from '../src/conversation/flow-migration.ts';
import { composeMigrations, defaultContext, renameState } from '../src/conversation/migration-helpers.ts';
import { lintMachine } from '../src/lint/lint-machine.ts';
import { supportMachine } from '../flows/support.ts';
import { webhookBatch } from './webhook-batch.ts';

export interface MicroResult {
  name: string;
  /** Operations per second (mean). */
  opsPerSecond: number;
  /** Microseconds per operation (mean, p99). */
  meanUs: number;
  p99Us: number;
  samples: number;
}

export async function runMicroBenchmarks(timeMs: number): Promise<MicroResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'chartbot-micro-'));
  const durableStore = await lowdbStore({ dir });
  const memory = memoryStore();
  const batch = webhookBatch(Array.from({ length: 10 }, (_, i) => waIdOf(i))).body;
  const record = benchRecord(waIdOf(1));
  const event = { type: 'user.text', text: 'hello bot', messageId: 'wamid.micro', contact: { waId: record.waId }, businessNumberId: BENCH_NUMBER.phoneNumberId, timestamp: 0 };
  const step = () =>
    runStep({
      machine: benchEchoMachine,
      snapshot: record.snapshot,
      timers: [],
      event,
      input: { contact: { waId: record.waId }, businessNumberId: BENCH_NUMBER.phoneNumberId },
      now: Date.now(),
    });
  const persistAfter = (result: ReturnType<typeof step>) => ({ ...record, snapshot: result.ok ? result.snapshot : undefined, updatedAt: Date.now() });

  const benchFlow = toFlow(benchEcho, 'bench-echo.ts');
  // The metrics' own work for one message: what the runtime's events and the webhook middleware
  // feed them (counters, histograms, the inbound → reply tracking); no I/O.
  const runtime = new Runtime({ flows: [benchFlow], provider: consoleProvider(), store: memoryStore() });
  const metrics = new BotMetrics(runtime, { defaultMetrics: false });
  const key = contactKey(BENCH_NUMBER.phoneNumberId, record.waId);
  const inbound = { key, event: event as UserEvent };
  const stepReport = { key, flow: 'bench-echo', event, eventType: 'user.text', messageId: 'wamid.micro', before: 'chatting', after: 'chatting', replies: 1, durationMs: 0.4 };
  const sent = { key, businessNumberId: BENCH_NUMBER.phoneNumberId, to: record.waId, message: { type: 'text' as const, text: { body: 'hi' } }, messageId: 'wamid.out' };
  const receipt = { key, messageId: 'wamid.micro', outcome: 'sent' as const };
  // Version 2 of the bench flow: one migration step (a rename that does not apply here, a new context field).
  const versioned = { name: 'bench-echo', machine: benchEchoMachine, version: 2, migrate: { 1: composeMigrations(renameState('idle', 'waiting'), defaultContext({ plan: 'basic' })) } };

  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 4) });
  bench
    .add('parse a webhook batch (10 messages, JSON.parse + parseWebhook)', () => {
      parseWebhook(JSON.parse(batch));
    })
    .add('actor step: restore → send → snapshot (xstate only)', () => {
      step();
    })
    .add('actor step + persist (memory store: JSON round trip)', async () => {
      await memory.save(persistAfter(step()));
    })
    .add('actor step + persist (lowdb store: journal line + fdatasync)', async () => {
      await durableStore.save(persistAfter(step()));
    })
    .add('build + validate an outbound message (3 buttons) + JSON body', () => {
      const message = buttons('Hi! How can we help you today?', [
        { id: 'faq', title: 'FAQ' },
        { id: 'ticket', title: 'Open a ticket' },
        { id: 'human', title: 'Talk to a person' },
      ]);
      JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: record.waId, ...message });
    })
    .add('metrics for one message (inbound, step, reply, receipt, webhook answer)', () => {
      metrics.webhookAnswered(200, 0.004);
      runtime.events.emit('inbound', inbound);
      runtime.events.emit('step', stepReport);
      runtime.events.emit('reply', sent);
      runtime.events.emit('receipt', receipt);
    })
    .add('migrate a saved conversation one version (migration + restore check)', () => {
      const result = migrateConversation(versioned, { snapshot: record.snapshot, timers: [], version: 1 });
      if (result.outcome !== 'migrate') throw new Error(`bench migration: ${result.outcome}`);
    })
    .add('lint the support flow (every rule)', () => {
      lintMachine(supportMachine);
    });
  await bench.run();
  metrics.close();
  await runtime.close();
  await durableStore.close();
  await rm(dir, { recursive: true, force: true });
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`micro-benchmark "${task.name}" ${result.state}`);
    return {
      name: task.name,
      opsPerSecond: Math.round(result.throughput.mean),
      meanUs: round(result.latency.mean * 1000, 1),
      p99Us: round(result.latency.p99 * 1000, 1),
      samples: result.latency.samplesCount,
    };
  });
}
