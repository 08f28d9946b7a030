import type { ContactRecord } from './contact-record.ts';
import type { Claim, Lease } from './lease.ts';
import type { StoreObserver } from './store-observer.ts';

/**
 * Where contact records live. Two methods carry the conversation (`load`, `save`); `dueTimers`
 * lets a restarted process find the contacts whose delayed events are pending without reading
 * every record.
 */
export interface SessionStore {
  /** Loads a record; undefined when the contact is new. */
  load(key: string): Promise<ContactRecord | undefined>;
  /**
   * Saves a record atomically: after a crash either the old or the new version is stored. With a
   * lease, only while it is the contact's current lease: otherwise it rejects with StaleLeaseError
   * and writes nothing (fencing).
   */
  save(record: ContactRecord, lease?: Lease): Promise<void>;
  /** Every contact with a pending timer, with its earliest fire time (epoch ms). */
  pendingTimers(): Promise<Map<string, number>>;
  /**
   * Every contact whose outbox holds unsent replies (may include a few whose outbox is already
   * empty). Optional: without it the runtime reads every record at start to find them.
   */
  pendingOutbox?(): Promise<string[]>;
  /**
   * Every contact in a hand-over or with notifications for agents pending (`handoverMark`; may
   * include a few that no longer are). Optional: without it chartbot reads every record to find them.
   */
  handoverContacts?(): Promise<string[]>;
  /**
   * Claims the right to work on a contact for `ttlMs`: resolves with the lease (its fencing token
   * one higher than any before) and the record, or undefined while another owner holds an
   * unexpired lease. Several processes sharing one store coordinate with these; a store only one
   * process uses may keep leases in memory.
   */
  claim?(key: string, owner: string, ttlMs: number): Promise<Claim | undefined>;
  /** Extends a lease still current; false once it is lost (expired, taken over, released). */
  renew?(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Ends a lease (nothing happens for a lease no longer current). */
  release?(lease: Lease): Promise<void>;
  /** Every stored contact key (for admin tools and tests). */
  keys(): Promise<string[]>;
  /** Flushes what is pending and releases files; no call may follow. */
  close(): Promise<void>;
  /**
   * Optional: reports the store's own timings (journal fsyncs; round trips of a store kept on a
   * server, such as Redis) to `observer` until the returned function is called. Metrics use it.
   */
  observe?(observer: StoreObserver): () => void;
}
