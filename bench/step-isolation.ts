/**
 * What isolation costs, printed (not asserted): per-step time of the synchronous `runStep` and of
 * `runStepAwaitingServices` on the echo flow, and how long an `always` / `raise` loop holds the
 * event loop before its microstep budget stops it.
 *
 *   npx tsx bench/step-isolation.ts
 */
import { runStep } from '../src/conversation/run-step.ts';
import { runStepAwaitingServices } from '../src/conversation/awaited-step.ts';
import { echoMachine } from '../test/fixtures/flows/echo.ts';
import troublemaker from '../test/fixtures/flows/troublemaker.ts';

const STEPS = 20_000;
const ROUNDS = 5;
const input = { contact: { waId: '1' }, businessNumberId: 'b' };
const textEvent = (text: string) => ({ type: 'user.text', text, messageId: text, contact: { waId: '1' }, businessNumberId: 'b', timestamp: 0, raw: {} }) as never;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function perStep(step: (snapshot: unknown, i: number) => unknown): Promise<number> {
  let snapshot: unknown;
  const started = performance.now();
  for (let i = 0; i < STEPS; i++) {
    const result = (await step(snapshot, i)) as { ok: boolean; snapshot?: unknown };
    // A conversation of 50 messages, then a new one (snapshots stay small, as in real use).
    snapshot = i % 50 === 0 ? undefined : result.snapshot;
  }
  return ((performance.now() - started) * 1000) / STEPS;
}

const sync: number[] = [];
const awaiting: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  sync.push(await perStep((snapshot, i) => runStep({ machine: echoMachine, snapshot, timers: [], event: textEvent(`m${i}`), input, now: 0 })));
  awaiting.push(await perStep((snapshot, i) => runStepAwaitingServices({ machine: echoMachine, snapshot, timers: [], event: textEvent(`m${i}`), input, now: 0 })));
}
console.log(`runStep:                 median ${median(sync).toFixed(1)} µs/step over ${ROUNDS} × ${STEPS} steps`);
console.log(`runStepAwaitingServices: median ${median(awaiting).toFixed(1)} µs/step over ${ROUNDS} × ${STEPS} steps`);

for (const loop of ['loop', 'raise']) {
  for (const budget of [1_000, 10_000]) {
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const result = runStep({ machine: troublemaker.machine, snapshot: undefined, timers: [], event: textEvent(loop), input, now: 0, microstepBudget: budget });
      times.push(performance.now() - started);
      if (result.ok) throw new Error(`the ${loop} flow should have exceeded its budget`);
    }
    console.log(`${loop === 'loop' ? 'always' : 'raise'} loop, budget ${budget}: median ${median(times).toFixed(1)} ms until StepBudgetError`);
  }
}
