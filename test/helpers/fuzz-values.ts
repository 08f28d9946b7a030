import type { Random } from './seeded-random.ts';

const STRINGS = ['', '4915550001', '1'.repeat(65), ' ', 'text', 'interactive', 'messages', 'whatsapp_business_account', '0', '-1', '1e400', 'NaN', '\u0000', '😀', '\ud800', 'a'.repeat(300), '{"flow_token":"x"}', '[', '../../etc/passwd', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '字'.repeat(64), 'w'.repeat(5000), '100000000000', 'page'];
const KEYS = ['object', 'entry', 'changes', 'field', 'value', 'messages', 'statuses', 'contacts', 'metadata', 'phone_number_id', 'from', 'id', 'type', 'text', 'body', 'interactive', 'button_reply', 'nfm_reply', 'response_json', 'timestamp', 'errors', 'status', 'recipient_id', '__proto__', 'constructor', 'toString', 'valueOf', 'x'];

/** Sets an own property, as JSON.parse does (plain assignment of `__proto__` would change the prototype). */
function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Any JSON value, nested at most `depth` levels. */
export function randomJson(random: Random, depth = 4): unknown {
  const kind = random.int(0, depth > 0 ? 7 : 4);
  switch (kind) {
    case 0: return null;
    case 1: return random.chance(0.5);
    case 2: return random.pick([0, -1, 1.5, 1e308, -1e-308, 2 ** 53 + 1, random.int(-1e9, 1e9)]);
    case 3:
    case 4: return random.pick(STRINGS);
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      for (let i = random.int(0, 4); i > 0; i--) setOwn(o, random.pick(KEYS), randomJson(random, depth - 1));
      return o;
    }
    default: return Array.from({ length: random.int(0, 4) }, () => randomJson(random, depth - 1));
  }
}

/**
 * A copy of `value` with a few random changes: a node replaced by a random value (wrong type),
 * a key deleted, an array emptied or duplicated.
 */
export function mutate(random: Random, value: unknown, mutations = random.int(1, 4)): unknown {
  const copy = structuredClone(value);
  for (let m = 0; m < mutations; m++) {
    const containers: Array<Record<string, unknown> | unknown[]> = [];
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    };
    walk(copy);
    if (containers.length === 0) return randomJson(random);
    const target = random.pick(containers);
    const keys = Object.keys(target);
    if (keys.length === 0) continue;
    const key = random.pick(keys);
    const action = random.int(0, 3);
    const t = target as Record<string, unknown>;
    if (action === 0) setOwn(t, key, randomJson(random, 2));
    else if (action === 1) {
      // Arrays lose an element (splice: JSON has no sparse arrays), objects a key.
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else delete t[key];
    }
    else if (action === 2 && Array.isArray(t[key])) setOwn(t, key, [...(t[key] as unknown[]), ...(t[key] as unknown[])]);
    else setOwn(t, key, random.pick([null, 42, 'str', [], {}, true]));
  }
  return copy;
}
