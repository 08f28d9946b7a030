import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ContactRecord } from '../store/contact-record.ts';
import { handoverMark, nextFireAt } from '../store/contact-record.ts';
import { StaleLeaseError, type Claim, type Lease } from '../store/lease.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { StoreObserver } from '../store/store-observer.ts';
import { CLAIM, CONSUME, INTAKE, RELEASE, RENEW, SAVE } from './redis-scripts.ts';

/** One item of a contact's inbox: what it is, and an id that names it while it waits. */
export interface InboxItem {
  id: string;
  /** `m` an inbound message, `s` a status update, `e` an event queued for the machine. */
  kind: 'm' | 's' | 'e';
  payload: unknown;
}

/** An inbox item that does not decode (Redis is shared; something else wrote it): skipped, reported. */
export interface DamagedItem {
  id: string;
  damaged: string;
}

/** What a claim returns on Redis: the lease, the record, and the first items of the contact's inbox. */
export interface RedisClaim extends Claim {
  items: Array<InboxItem | DamagedItem>;
  /** The record as stored (JSON), so the owner can keep it without serialising it again. */
  recordJson: string | undefined;
}

/** How releasing a lease went: released, more inbox items arrived (the lease is kept), or it was already lost. */
export type ReleaseOutcome = { status: 'released' } | { status: 'more'; items: Array<InboxItem | DamagedItem> } | { status: 'stale' };

/** Inbox items returned by one claim or release (the owner reads more as it goes). */
const ITEMS_PER_READ = 32;

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/**
 * When the contact needs attention next: now (0) while replies wait to be sent, else when its next
 * reply retry or timer is due. Saved beside the record so releasing the lease can schedule it.
 */
export function nextDueAt(record: ContactRecord): number | undefined {
  const head = record.outbox?.[0];
  // Hand-over notifications waiting: now, or when their failing sink's next attempt is due.
  const notifications = (record.agentOutbox ?? []).map((entry) => record.agentRetry?.[entry.sink]?.nextAttemptAt ?? 0);
  const candidates = [nextFireAt(record), head ? (head.nextAttemptAt ?? 0) : undefined, ...notifications];
  const defined = candidates.filter((at): at is number => at !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

function encodeItem(item: InboxItem): string {
  return `${item.id}\t${JSON.stringify({ k: item.kind, p: item.payload })}`;
}

/** Decodes an inbox item; one that does not decode comes back as a DamagedItem saying why. */
export function decodeItem(raw: string): InboxItem | DamagedItem {
  const tab = raw.indexOf('\t');
  const id = tab < 0 ? raw : raw.slice(0, tab);
  try {
    const { k, p } = JSON.parse(raw.slice(tab + 1)) as { k: InboxItem['kind']; p: unknown };
    if (k !== 'm' && k !== 's' && k !== 'e') throw new Error(`unknown item kind ${String(k)}`);
    return { id, kind: k, payload: p };
  } catch (error) {
    return { id, damaged: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The Redis store: contact records, each contact's inbox, leases with fencing, and the sorted set
 * of due contacts, in one Redis (see docs/scaling.md for the design). Every multi-key step is one
 * Lua script. It is the SessionStore of every instance of a bot running on Redis.
 */
export class RedisStore implements SessionStore {
  private readonly script: Record<'intake' | 'claim' | 'save' | 'consume' | 'renew' | 'release', ScriptCommand>;
  private readonly observers = new Set<StoreObserver>();

  /**
   * @param onCorrupt told when a stored record is not valid JSON: its text was copied to
   *   `corrupt:<contact>` and that contact starts over (the next save replaces the record), so one
   *   damaged record never holds its contact, or any other, for ever.
   */
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    private readonly onCorrupt?: (contact: string, copiedTo: string, error: unknown) => void,
  ) {
    const define = (name: string, lua: string): ScriptCommand => {
      redis.defineCommand(name, { lua });
      const command = (redis as unknown as Record<string, (...args: Array<string | number>) => Promise<unknown>>)[name]!;
      return (...args) => this.timed(name, command.apply(redis, args));
    };
    this.script = {
      intake: define('chartbotIntake', INTAKE),
      claim: define('chartbotClaim', CLAIM),
      save: define('chartbotSave', SAVE),
      consume: define('chartbotConsume', CONSUME),
      renew: define('chartbotRenew', RENEW),
      release: define('chartbotRelease', RELEASE),
    };
  }

  /** The key of a contact's part (`c`, `in`, `lease`) or of a shared structure (`ready`, `parked`). */
  key(part: string, contact?: string): string {
    return contact === undefined ? `${this.prefix}${part}` : `${this.prefix}${part}:${contact}`;
  }

  /** Reports every round trip (script or command name, and how long it took) to `observer` (metrics). */
  observe(observer: StoreObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private timed<T>(operation: string, call: Promise<T>): Promise<T> {
    if (this.observers.size === 0) return call;
    const started = performance.now();
    return call.finally(() => {
      const seconds = (performance.now() - started) / 1000;
      for (const observer of this.observers) observer.roundTrip?.(operation, seconds);
    });
  }

  async load(key: string): Promise<ContactRecord | undefined> {
    const json = await this.timed('hget', this.redis.hget(this.key('c', key), 'rec'));
    return this.parseRecord(key, json);
  }

  /** A stored record, or undefined when there is none or it is damaged (then set aside, see onCorrupt). */
  private async parseRecord(key: string, json: string | null | undefined): Promise<ContactRecord | undefined> {
    if (!json) return undefined;
    try {
      return JSON.parse(json) as ContactRecord;
    } catch (error) {
      const copiedTo = this.key('corrupt', key);
      // Reported once per damaged text: listings (timers, outbox) meet it again until the next save.
      const copied = await this.redis.get(copiedTo).catch(() => null);
      if (copied !== json) {
        await this.redis.set(copiedTo, json).catch(() => {});
        this.onCorrupt?.(key, copiedTo, error);
      }
      return undefined;
    }
  }

  /**
   * Saves a record. Under a lease (the runtime always passes one), only while it is current, and
   * `consumed` names the inbox item the save processed (removed in the same script). Without a
   * lease, a plain write for offline tools (`chartbot migrate --apply` with no bot running).
   */
  async save(record: ContactRecord, lease?: Lease, consumed?: string, json = JSON.stringify(record)): Promise<void> {
    const due = nextDueAt(record);
    const inHandover = handoverMark(record) === undefined ? '0' : '1';
    if (!lease) {
      await this.redis
        .multi()
        .hset(this.key('c', record.key), 'rec', json, 'due', due === undefined ? '' : String(due))
        [inHandover === '1' ? 'sadd' : 'srem'](this.key('handovers'), record.key)
        .exec();
      return;
    }
    const ok = await this.script.save(4, this.key('lease', lease.key), this.key('c', lease.key), this.key('in', lease.key), this.key('handovers'), `${lease.owner}:${lease.token}`, lease.token, json, due === undefined ? '' : String(due), consumed ?? '', inHandover, record.key);
    if (ok !== 1) throw new StaleLeaseError(lease);
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<RedisClaim | undefined> {
    const reply = (await this.script.claim(4, this.key('lease', key), this.key('c', key), this.key('in', key), this.key('ready'), owner, ttlMs, Date.now(), key, ITEMS_PER_READ)) as
      | [number, string, string[]]
      | null;
    if (!reply) return undefined;
    const [token, json, items] = reply;
    const record = await this.parseRecord(key, json);
    return { lease: { key, owner, token: Number(token) }, record, recordJson: record ? json : undefined, items: items.map(decodeItem) };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return (await this.script.renew(2, this.key('lease', lease.key), this.key('ready'), `${lease.owner}:${lease.token}`, ttlMs, Date.now(), lease.key)) === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.releaseOrContinue(lease);
  }

  /**
   * Ends the lease unless inbox items arrived meanwhile (then returns them and keeps the lease).
   * `retryAt`: after a failure, end the lease and look at the contact again at that time.
   */
  async releaseOrContinue(lease: Lease, retryAt?: number): Promise<ReleaseOutcome> {
    const reply = (await this.script.release(4, this.key('lease', lease.key), this.key('c', lease.key), this.key('in', lease.key), this.key('ready'), `${lease.owner}:${lease.token}`, lease.key, ITEMS_PER_READ, retryAt === undefined ? '' : String(retryAt))) as [string, string[]?];
    if (reply[0] === 'more') return { status: 'more', items: (reply[1] ?? []).map(decodeItem) };
    return { status: reply[0] === 'released' ? 'released' : 'stale' };
  }

  /** Removes an inbox item that was handled without a save (under the lease). */
  async consume(lease: Lease, itemId: string): Promise<void> {
    await this.script.consume(2, this.key('lease', lease.key), this.key('in', lease.key), `${lease.owner}:${lease.token}`, itemId);
  }

  /**
   * Appends items to their contacts' inboxes and marks those contacts due, in one script: when it
   * resolves they are in Redis (as durable as its AOF setting), which is when the webhook answers 200.
   */
  async accept(items: Array<{ contact: string; kind: InboxItem['kind']; payload: unknown }>): Promise<void> {
    if (items.length === 0) return;
    const keys = [this.key('ready'), ...items.map((item) => this.key('in', item.contact))];
    const args: Array<string | number> = [Date.now()];
    for (const item of items) args.push(item.contact, encodeItem({ id: randomUUID(), kind: item.kind, payload: item.payload }));
    await this.script.intake(keys.length, ...keys, ...args);
  }

  /** Contacts due at or before `now`, earliest first (at most `limit`). */
  async due(now: number, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.timed('zrangebyscore', this.redis.zrangebyscore(this.key('ready'), '-inf', now, 'LIMIT', 0, limit));
  }

  async pendingTimers(): Promise<Map<string, number>> {
    const timers = new Map<string, number>();
    await this.eachRecord((key, record) => {
      const at = nextFireAt(record);
      if (at !== undefined) timers.set(key, at);
    });
    return timers;
  }

  async pendingOutbox(): Promise<string[]> {
    const keys: string[] = [];
    await this.eachRecord((key, record) => void (record.outbox?.length ? keys.push(key) : undefined));
    return keys;
  }

  /** Contacts in a hand-over or with notifications pending: a set the saves keep (no scan of every record). */
  async handoverContacts(): Promise<string[]> {
    return this.timed('smembers', this.redis.smembers(this.key('handovers')));
  }

  async keys(): Promise<string[]> {
    const keys: string[] = [];
    await this.eachRecord((key) => void keys.push(key));
    return keys;
  }

  /** Does not close the connection: its owner (the bot) does, after every user of it is done. */
  async close(): Promise<void> {}

  /** Every stored record, read with SCAN in pages (never KEYS, which blocks Redis). */
  private async eachRecord(visit: (key: string, record: ContactRecord) => void): Promise<void> {
    const prefix = this.key('c', '');
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (found.length === 0) continue;
      const records = await this.redis.pipeline(found.map((k) => ['hget', k, 'rec'])).exec();
      for (const [i, k] of found.entries()) {
        const json = records?.[i]?.[1];
        const record = typeof json === 'string' ? await this.parseRecord(k.slice(prefix.length), json) : undefined;
        if (record) visit(k.slice(prefix.length), record);
      }
    } while (cursor !== '0');
  }
}
