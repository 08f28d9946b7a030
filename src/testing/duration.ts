/**
 * Durations as people write them in tests and transcripts: `90s`, `10m`, `1h30m`, `2d`, `500ms`,
 * or a plain number of milliseconds.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A length of time: milliseconds, or text like `'10m'`, `'1h 30m'`, `'500ms'` (units ms, s, m, h, d). */
export type Duration = number | string;

/** Milliseconds of a `Duration`; throws a RangeError on text it cannot read, with examples of what it reads. */
export function parseDuration(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`duration must be a non-negative number of ms, got ${duration}`);
    return duration;
  }
  const compact = duration.replace(/\s+/g, '').toLowerCase();
  const parts = [...compact.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== compact) {
    throw new RangeError(`cannot read duration "${duration}": write e.g. 30s, 10m, 1h30m, 2d or 500ms`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
}

/** `90000` → `1m30s`, for messages and graphs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', UNITS.d], ['h', UNITS.h], ['m', UNITS.m], ['s', UNITS.s], ['ms', 1]] as const) {
    const n = Math.floor(rest / (size as number));
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * (size as number);
    }
  }
  return out;
}
