import type { ContactRecord } from '../store/contact-record.ts';
import type { Lease } from '../store/lease.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { StoreObserver } from '../store/store-observer.ts';
import type { RedisStore } from './redis-store.ts';

/** What an instance knows of a contact while it holds the contact's lease. */
export interface LeaseContext {
  lease: Lease;
  /** The record as last read or saved under this lease (JSON; undefined: no record yet). */
  json: string | undefined;
  /** The inbox item being processed: the next save removes it from the inbox. */
  consume: string | undefined;
}

/**
 * The runtime's view of the Redis store while it works on contacts: a contact held under a lease
 * is read from the lease's copy (no round trip: nobody else may change it meanwhile) and saved
 * with the lease (fenced), consuming the inbox item being processed in the same script. A save of
 * a contact this instance holds no lease on is a bug, and refused.
 */
export class LeasedStore implements SessionStore {
  constructor(
    private readonly redis: RedisStore,
    private readonly contexts: Map<string, LeaseContext>,
  ) {}

  async load(key: string): Promise<ContactRecord | undefined> {
    const context = this.contexts.get(key);
    if (!context) return this.redis.load(key);
    return context.json === undefined ? undefined : (JSON.parse(context.json) as ContactRecord);
  }

  async save(record: ContactRecord): Promise<void> {
    const context = this.contexts.get(record.key);
    if (!context) throw new Error(`contact ${record.key} saved without holding its lease (a bug: saves happen in the contact's turn)`);
    const json = JSON.stringify(record);
    await this.redis.save(record, context.lease, context.consume, json);
    context.consume = undefined;
    context.json = json;
  }

  pendingTimers(): Promise<Map<string, number>> {
    return this.redis.pendingTimers();
  }

  pendingOutbox(): Promise<string[]> {
    return this.redis.pendingOutbox();
  }

  handoverContacts(): Promise<string[]> {
    return this.redis.handoverContacts();
  }

  keys(): Promise<string[]> {
    return this.redis.keys();
  }

  observe(observer: StoreObserver): () => void {
    return this.redis.observe(observer);
  }

  close(): Promise<void> {
    return this.redis.close();
  }
}
