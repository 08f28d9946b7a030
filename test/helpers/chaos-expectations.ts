import { expect } from 'vitest';
import type { ChaosFigures } from '../../scripts/chaos/chaos-outcome.ts';

/**
 * What every chaos run must show, one process or several on Redis: nothing lost, nothing processed
 * twice, order kept, every reply sent, no timer lost. Repeated replies (and, in
 * the one-process run, repeated timer replies) are the stated at-least-once window, checked by each
 * test on its own terms.
 */
export function expectNothingLost(report: ChaosFigures, minMessages: number): void {
  expect(report.kills).toBeGreaterThan(0);
  expect(report.messagesSent).toBeGreaterThanOrEqual(minMessages);
  expect(report.lost).toBe(0);
  expect(report.processedTwice).toBe(0);
  expect(report.processed).toBe(report.messagesSent);
  expect(report.outOfOrder).toBe(0);
  expect(report.repliesMissing).toBe(0);
  expect(report.timersLost).toBe(0);
}
