import { ProviderError } from '../providers/provider.ts';
import type { Clock } from '../conversation/clock.ts';

/** How hard to try before a send counts as failed. */
export interface RetryPolicy {
  /**
   * Attempts in total, the first included. Default 5 for `withRetry`; replies in the outbox are
   * retried until `giveUpAfterMs` (or the 24-hour window) unless this caps them.
   */
  maxAttempts?: number;
  /**
   * Replies only: how long after it was decided a reply that keeps failing in a retryable way is
   * still tried (default 24 hours). Free-form replies also stop when the 24-hour window closes.
   */
  giveUpAfterMs?: number;
  /** Delay before the first retry, before jitter (default 500 ms); doubles on every attempt. */
  baseDelayMs?: number;
  /** Ceiling for one delay (default 30 s); a longer `Retry-After` is still honoured. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
}

/** Whether trying the same request again can succeed: network errors, 5xx, 429, WhatsApp throttling codes. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ProviderError && error.retryable;
}

/**
 * Delay before retry number `attempt` (1 = first retry): exponential with "equal jitter" (half
 * fixed, half random, so many clients that failed together do not retry together), at least the
 * gateway's `Retry-After`.
 */
export function retryDelay(attempt: number, error: unknown, policy: RetryPolicy = {}): number {
  const base = policy.baseDelayMs ?? 500;
  const max = policy.maxDelayMs ?? 30_000;
  const random = policy.random ?? Math.random;
  const exponential = Math.min(max, base * 2 ** (attempt - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  const retryAfter = error instanceof ProviderError ? error.details.retryAfterMs : undefined;
  return retryAfter === undefined ? jittered : Math.max(jittered, retryAfter);
}

/** A sleep on the runtime's clock, so a fake clock drives retries in tests. */
export function sleepOn(clock: Clock): (ms: number) => Promise<void> {
  return (ms) => new Promise((resolve) => void clock.setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, fails permanently, or `maxAttempts` is reached; the last error
 * is thrown. `onRetry` sees every retried error (for logging).
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: { policy?: RetryPolicy; sleep: (ms: number) => Promise<void>; onRetry?: (error: unknown, attempt: number, delayMs: number) => void },
): Promise<T> {
  const maxAttempts = Math.max(1, options.policy?.maxAttempts ?? 5);
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= maxAttempts || !isRetryable(error)) throw error;
      const delay = retryDelay(n, error, options.policy);
      options.onRetry?.(error, n, delay);
      await options.sleep(delay);
    }
  }
}
