import type { StateValue } from 'xstate';

/**
 * Every active state of a state value as a dotted path, parents first:
 * `{ ticket: 'form' }` → `['ticket', 'ticket.form']`. Coverage and state assertions read paths, so
 * nested and parallel states need no special cases.
 */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path);
    if (child !== undefined) paths.push(...activePaths(child as StateValue, path));
  }
  return paths;
}

/** A state value as people write it: `menu`, `ticket.form`; parallel regions joined with ` + `. */
export function stateLabel(value: StateValue): string {
  if (typeof value === 'string') return value;
  const leaves = activePaths(value).filter((path, _, all) => !all.some((other) => other.startsWith(`${path}.`)));
  return leaves.join(' + ');
}

/** A state value as `stateLabel` writes it, or `(not started)` when there is none yet. */
export function stateLabelOf(value: unknown): string {
  return value === undefined ? '(not started)' : stateLabel(value as StateValue);
}
