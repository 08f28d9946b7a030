import { CHARTBOT_EVENT_TYPES } from '../messages/inbound-events.ts';

/** Prefixes chartbot owns: a transition on one of them must name an event chartbot actually sends. */
export const RESERVED_PREFIXES: readonly string[] = ['user.', 'bot.', 'agent.'];

// Every event chartbot delivers, the hand-over's `agent.*` events included.
const KNOWN = new Set<string>(CHARTBOT_EVENT_TYPES);

/**
 * Whether a transition's event descriptor can ever match: `user.text`, the wildcards `user.*` and
 * `*`, and anything outside the reserved prefixes (`api.*` and other prefixes are the flow's own).
 */
export function isDeliverableDescriptor(descriptor: string): boolean {
  if (!RESERVED_PREFIXES.some((prefix) => descriptor.startsWith(prefix))) return true;
  if (descriptor.endsWith('.*')) {
    const prefix = descriptor.slice(0, -1); // keep the dot: 'user.' matches 'user.text'
    return [...KNOWN].some((type) => type.startsWith(prefix));
  }
  return KNOWN.has(descriptor);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known type a misspelt one most likely meant (`user.txt` → `user.text`), if one is close. */
export function closestKnownType(descriptor: string): string | undefined {
  let best: { type: string; distance: number } | undefined;
  for (const type of KNOWN) {
    const distance = editDistance(descriptor, type);
    if (distance <= 3 && (!best || distance < best.distance)) best = { type, distance };
  }
  return best?.type;
}

/** Every type a flow may handle under one reserved prefix (`user.` → `user.text`, …), sorted. */
export function knownTypesUnder(prefix: string): string[] {
  return [...KNOWN].filter((type) => type.startsWith(prefix)).sort();
}
