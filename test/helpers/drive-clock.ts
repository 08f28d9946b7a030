import type { FakeClock } from '../../src/testing/fake-clock.ts';

/**
 * Runs `work` to completion on a fake clock: whenever it is waiting (a retry back-off, a limiter
 * slot), jumps the clock to the next armed timeout. Real I/O (loopback HTTP) gets a few real
 * milliseconds between jumps. Bounded in steps and in real time (10 s), so a hang fails the test
 * instead of spinning.
 * Returns the result and the fake time that passed.
 */
export async function driveClock<T>(clock: FakeClock, work: Promise<T>, maxSteps = 2000): Promise<{ value: T; elapsedMs: number }> {
  const start = clock.now();
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => {}); // surfaced below, once
  const deadline = Date.now() + 10_000;
  for (let step = 0; step < maxSteps && !settled && Date.now() < deadline; step++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const next = clock.nextAt();
    if (!settled && next !== undefined) await clock.advance(Math.max(0, next - clock.now()));
  }
  if (!settled) throw new Error(`work did not finish within ${maxSteps} clock steps or 10 s`);
  return { value: await tracked, elapsedMs: clock.now() - start };
}
