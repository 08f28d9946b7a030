import { describe, expect, it } from 'vitest';
import { retryDelay, sleepOn, withRetry } from '../../src/delivery/retry.ts';
import { parseRetryAfter } from '../../src/providers/retry-after.ts';
import { ProviderError } from '../../src/providers/provider.ts';
import { FakeClock } from '../../src/testing/fake-clock.ts';
import { driveClock } from '../helpers/drive-clock.ts';

const throttled = (retryAfterMs?: number) =>
  new ProviderError('throttled', { provider: 'test', code: 130429, title: 'throttled', retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
const permanent = new ProviderError('bad', { provider: 'test', code: 100, title: 'bad parameter', retryable: false });

describe('retryDelay', () => {
  it('doubles per attempt with equal jitter (half fixed, half random) up to the ceiling', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, throttled(), { ...policy, random: () => 0 }))).toEqual([500, 1000, 2000, 2500]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, throttled(), { ...policy, random: () => 0.999 }))).toEqual([1000, 1999, 3998, 4998]);
  });

  it('waits at least the gateway’s Retry-After, even beyond the ceiling', () => {
    expect(retryDelay(1, throttled(60_000), { baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0 })).toBe(60_000);
    expect(retryDelay(3, throttled(100), { baseDelayMs: 500, random: () => 0 })).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.UTC(2025, 0, 6, 9, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['1.5'], now)).toBe(1500);
    expect(parseRetryAfter('Mon, 06 Jan 2025 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('withRetry on a fake clock', () => {
  it('retries retryable errors with the computed delays, then returns the result', async () => {
    const clock = new FakeClock();
    const errors = [throttled(), throttled(3000)];
    const attemptsAt: number[] = [];
    const work = withRetry(
      async () => {
        attemptsAt.push(clock.now());
        const error = errors.shift();
        if (error) throw error;
        return 'ok';
      },
      { sleep: sleepOn(clock), policy: { baseDelayMs: 400, random: () => 0 } },
    );
    const { value, elapsedMs } = await driveClock(clock, work);
    expect(value).toBe('ok');
    expect(attemptsAt.map((at) => at - attemptsAt[0]!)).toEqual([0, 200, 3200]);
    expect(elapsedMs).toBe(3200);
  });

  it('never retries a permanent error', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const work = withRetry(
      async () => {
        attempts++;
        throw permanent;
      },
      { sleep: sleepOn(clock) },
    );
    await expect(work).rejects.toBe(permanent);
    expect(attempts).toBe(1);
    expect(clock.armed).toBe(0);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const last = throttled();
    const work = withRetry(
      async () => {
        attempts++;
        throw attempts === 4 ? last : throttled();
      },
      { sleep: sleepOn(clock), policy: { maxAttempts: 4, random: () => 0 } },
    );
    await expect(driveClock(clock, work)).rejects.toBe(last);
    expect(attempts).toBe(4);
  });
});
