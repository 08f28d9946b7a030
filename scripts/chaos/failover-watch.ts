import type { Redis } from 'ioredis';
import { sleep } from './chaos-load.ts';

/** How long after a kill a held contact may take to be claimed elsewhere before it counts as stuck. */
const GIVE_UP_MS = 30_000;

/**
 * Measures failover: after a SIGKILL, which contacts the dead instance held (their leases, which
 * name the owner and its token, `<host>-<pid>-<suffix>:<token>`, stay in Redis until they expire)
 * and how long until another instance claimed each of them (the contact's fencing counter `leases`
 * went past the dead instance's token). A claim by a live instance is when the dead instance's
 * accepted messages, unsent replies and timers go on again.
 */
export class FailoverWatch {
  /** Per kill: milliseconds from the kill until each contact it held was claimed elsewhere. */
  readonly perKill: number[][] = [];
  /** Per kill: the contacts the killed instance held (filled just after the kill). */
  readonly heldPerKill: Set<string>[] = [];
  /** Held contacts nobody claimed within GIVE_UP_MS. */
  stuck = 0;
  private readonly watching: Promise<void>[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Call right after the kill of the process `pid` (killed at `killedAt`). */
  watch(pid: number, killedAt: number): void {
    const times: number[] = [];
    const held = new Set<string>();
    this.perKill.push(times);
    this.heldPerKill.push(held);
    this.watching.push(this.follow(pid, killedAt, times, held).catch(() => void this.stuck++));
  }

  /** Resolves once every watched contact was taken over (or given up on). */
  async settled(): Promise<void> {
    await Promise.all(this.watching);
  }

  /** Median and maximum over every kill's contacts (ms), and how many contacts the kills held. */
  figures(): { held: number; medianMs: number | undefined; maxMs: number | undefined } {
    const all = this.perKill.flat().sort((a, b) => a - b);
    return { held: all.length, medianMs: all[Math.floor(all.length / 2)], maxMs: all.at(-1) };
  }

  private async follow(pid: number, killedAt: number, times: number[], held: Set<string>): Promise<void> {
    // Compared with the dead instance's own token, not with the counter read now: a take-over
    // that happened between the kill and this read counts too.
    const counters = await this.heldBy(pid);
    for (const contact of counters.keys()) held.add(contact);
    while (counters.size > 0 && Date.now() - killedAt < GIVE_UP_MS) {
      await sleep(25);
      for (const [contact, before] of counters) {
        const now = Number((await this.redis.hget(`${this.prefix}c:${contact}`, 'leases').catch(() => before)) ?? 0);
        if (now > before) {
          times.push(Date.now() - killedAt);
          counters.delete(contact);
        }
      }
    }
    this.stuck += counters.size;
  }

  /** Contacts whose lease names the process `pid`, with the lease's token (SCAN, never KEYS). */
  async heldBy(pid: number): Promise<Map<string, number>> {
    const leasePrefix = `${this.prefix}lease:`;
    const owner = new RegExp(`-${pid}-[0-9a-f]+:(\\d+)$`);
    const held = new Map<string, number>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${leasePrefix}*`, 'COUNT', 500);
      cursor = next;
      const values = keys.length > 0 ? await this.redis.mget(...keys) : [];
      keys.forEach((key, i) => {
        const token = owner.exec(values[i] ?? '')?.[1];
        if (token !== undefined) held.set(key.slice(leasePrefix.length), Number(token));
      });
    } while (cursor !== '0');
    return held;
  }
}
