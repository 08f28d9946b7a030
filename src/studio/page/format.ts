/** Times on the simulated clock, always in UTC so that a conversation reads the same everywhere. */
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export const clockTime = (ms: number): string => timeFormat.format(ms);
export const clockDate = (ms: number): string => `${dateFormat.format(ms)} UTC`;

/** `1d2h`, `10m`, `45s`: how far away a time is. */
export function span(ms: number): string {
  if (ms <= 0) return 'now';
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  let rest = ms;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && out.length < 6) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out || `${ms}ms`;
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2) ?? 'undefined';
