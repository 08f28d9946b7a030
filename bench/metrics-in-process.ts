/**
 * The metrics' work measured where end-to-end noise cannot hide it: two runtimes in this process
 * (memory store, a gateway that answers at once), one with the metrics' listeners and one without,
 * fed the same batches in alternating rounds; CPU time per message of each, medians over the rounds.
 * The difference is what metrics add to a message's path through the runtime (prom-client's default
 * process metrics, which act process-wide, are not in it; the end-to-end slices cover those).
 */
import { Runtime } from '../src/conversation/runtime.ts';
import { toFlow } from '../src/conversation/load-flows.ts';
import type { ParsedWebhook } from '../src/messages/parse-webhook.ts';
import { BotMetrics } from '../src/observability/bot-metrics.ts';
import type { Provider } from '../src/providers/provider.ts';
import { memoryStore } from '../src/store/memory-store.ts';
import benchEcho from './flows/bench-echo.ts';
import { round } from './stats.ts';

export interface InProcessMetricsCost {
  rounds: number;
  messagesPerRound: number;
  /** Median CPU µs per message through the runtime, metrics off and on. */
  offUs: number;
  onUs: number;
  addedUs: number;
}

export async function measureMetricsInProcess(rounds: number): Promise<InProcessMetricsCost> {
  let sent = 0;
  const provider: Provider = { name: 'bench', send: async () => ({ messageId: `wamid.out.${++sent}` }), markRead: async () => {} };
  const flows = [toFlow(benchEcho, 'bench-echo.ts')];
  const make = () => new Runtime({ flows, provider, store: memoryStore(), delivery: { limits: { perNumberMps: 100_000 } } });
  const runtimes = { off: make(), on: make() };
  const metrics = new BotMetrics(runtimes.on, { defaultMetrics: false });
  let seq = 0;
  // New contacts every time: the per-contact pacing of the limiter never comes into play.
  const batch = (): ParsedWebhook =>
    ({
      messages: Array.from({ length: 10 }, () => ({ type: 'user.text', text: 'hi', messageId: `wamid.in.${++seq}`, contact: { waId: `49${seq}` }, businessNumberId: '1', timestamp: Date.now(), raw: {} })),
      statuses: [],
      ignored: [],
    }) as unknown as ParsedWebhook;
  const batches = 100;
  const once = async (runtime: Runtime): Promise<number> => {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: batches }, () => runtime.dispatch(batch())));
    await runtime.idle();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (batches * 10);
  };
  for (let i = 0; i < 3; i++) for (const runtime of [runtimes.off, runtimes.on]) await once(runtime); // warm-up
  const samples = { off: [] as number[], on: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const mode of i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) samples[mode].push(await once(runtimes[mode]));
  }
  metrics.close();
  await Promise.all([runtimes.off.close(), runtimes.on.close()]);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const offUs = round(median(samples.off), 1);
  const onUs = round(median(samples.on), 1);
  return { rounds, messagesPerRound: batches * 10, offUs, onUs, addedUs: round(onUs - offUs, 1) };
}
