/** A kill (with the contacts the killed instances held) or a Redis restart, and when it happened. */
export interface ChaosEvent {
  kind: 'kill' | 'final kill' | 'redis';
  at: number;
  /** Kills: the contacts whose lease the killed instance(s) held (keys `<number id>:<wa id>`). */
  held?: Set<string>;
}

/** Where the repeated replies came from. */
export interface DuplicateAttribution {
  /** Per kill under load: extra copies to contacts the killed instance held. */
  perKill: number[];
  /** Extra copies to contacts held at the final kill of every instance. */
  afterFinalKill: number;
  /** Extra copies after a Redis restart (a reply sent, the save saying so refused by the outage). */
  afterRedisRestarts: number;
  /**
   * Extra copies explained by neither: the lease of the sending instance expired while its send
   * was in flight (an instance starved of CPU past its lease), and the next holder sent it again.
   */
  otherwise: number;
  /**
   * Extra copies beyond the window: a second one to the same contact explained by the same kill or
   * restart (one contact has one send in flight at most, so each event can repeat one reply per contact).
   */
  beyondWindow: number;
}

/**
 * Attributes each extra copy of a reply to the latest event before it that can explain it: a
 * Redis restart, or a kill of the instance that held the contact (only the lease holder sends, and
 * one contact has one send in flight at most).
 */
export function attributeDuplicates(duplicates: Array<{ to: string; at: number }>, events: ChaosEvent[], contactOf: (waId: string) => string): DuplicateAttribution {
  const counts = events.map(() => 0);
  const repeatedTo = events.map(() => new Set<string>());
  let otherwise = 0;
  let beyondWindow = 0;
  for (const duplicate of duplicates) {
    const contact = contactOf(duplicate.to);
    const cause = events.findLastIndex((event) => event.at <= duplicate.at && (event.kind === 'redis' || event.held?.has(contact) === true));
    if (cause < 0) {
      otherwise++;
      continue;
    }
    counts[cause]!++;
    if (repeatedTo[cause]!.has(contact)) beyondWindow++;
    repeatedTo[cause]!.add(contact);
  }
  const of = (kind: ChaosEvent['kind']) => counts.filter((_, i) => events[i]!.kind === kind);
  return { perKill: of('kill'), afterFinalKill: of('final kill').reduce((a, b) => a + b, 0), afterRedisRestarts: of('redis').reduce((a, b) => a + b, 0), otherwise, beyondWindow };
}
