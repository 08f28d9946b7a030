/** Deepest JSON nesting accepted. Real webhooks nest about 8 levels; deeper is an attack or a bug. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests deeper than `maxDepth`, found by one pass over the text (outside strings),
 * before anything recursive (JSON.stringify of a snapshot, structuredClone) could overflow the stack.
 */
export function jsonTooDeep(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** `application/json`, with or without parameters, or a `+json` type (e.g. `application/vnd.x+json`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}
