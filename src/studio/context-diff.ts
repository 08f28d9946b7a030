import type { ContextChange } from './view-types.ts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What changed between two contexts, by path (`tickets`, `cart.items`): objects are compared key by
 * key, anything else (arrays included) as a whole, by its JSON.
 */
export function contextChanges(before: unknown, after: unknown, path = ''): ContextChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => contextChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(context)', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}
