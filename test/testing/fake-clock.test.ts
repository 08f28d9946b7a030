import { describe, expect, it } from 'vitest';
import { FakeClock, formatDuration, parseDuration } from 'chartbot/testing';

describe('durations', () => {
  it('reads what people write and prints it back', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(42)).toBe(42);
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(() => parseDuration('soon')).toThrow('cannot read duration "soon"');
    expect(() => parseDuration(-1)).toThrow(RangeError);
  });
});

describe('fake clock', () => {
  it('fires due timeouts in time order at their due time, and only those', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 2000);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 1000);
    const cancelled = clock.setTimeout(() => fired.push('never'), 1500);
    clock.clearTimeout(cancelled);
    clock.setTimeout(() => fired.push('later'), 5000);
    await clock.advance('2s');
    expect(fired).toEqual(['a@1000', 'b@2000']);
    expect(clock.now()).toBe(2000);
    expect(clock.armed).toBe(1);
    expect(clock.nextAt()).toBe(5000);
  });

  it('timeouts armed while advancing fire in the same advance when due', async () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 100);
    await clock.advance(250);
    expect(fired).toEqual([100, 200]);
  });
});
