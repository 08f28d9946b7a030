/**
 * Reading webhook JSON, where any field may be missing, of another type or hostile: each helper
 * answers with a usable value instead of throwing, so one odd field never loses a batch.
 */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
/** For messages about a value: String() throws on JSON like {"toString":1}, JSON.stringify does not. */
export const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined').slice(0, 100));
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};

/** WhatsApp timestamps are Unix seconds, as a string or a number; placeholders parse to 0. */
export function parseTimestamp(v: unknown): number {
  const seconds = num(v);
  return seconds > 0 ? seconds * 1000 : 0;
}

/**
 * Copies the optional text fields a payload carries (`wire` names) onto `target` (`key` names);
 * a field that is absent (or not text) stays absent rather than becoming `undefined`.
 */
export function copyStrings<K extends string>(target: NoInfer<{ [key in K]?: string }>, source: Obj, fields: ReadonlyArray<readonly [K, string]>): void {
  for (const [key, wire] of fields) {
    const value = str(source[wire]);
    if (value !== undefined) target[key] = value;
  }
}
