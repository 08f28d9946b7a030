import type { ContactRecord } from './contact-record.ts';

/**
 * The right to work on one contact, for a while. `token` is the contact's fencing token: it grows
 * with every claim, and every write made under the lease is refused once a newer lease exists (or
 * this one expired), so an owner paused past its lease (GC, a stalled VM) cannot overwrite newer
 * state when it wakes up.
 */
export interface Lease {
  key: string;
  /** Who holds it (an instance id). */
  owner: string;
  token: number;
}

/** What a successful claim returns: the lease, and the contact's record as stored right then. */
export interface Claim {
  lease: Lease;
  record: ContactRecord | undefined;
}

/** A write under a lease that is no longer the contact's current one: nothing was written. */
export class StaleLeaseError extends Error {
  override readonly name = 'StaleLeaseError';
  constructor(readonly lease: Lease) {
    super(`the lease on contact ${lease.key} (token ${lease.token}, held by ${lease.owner}) is no longer current: another instance took over or it expired; nothing was written`);
  }
}

/**
 * Leases kept in this process, for the stores that only one process uses (memory, lowdb): the
 * same contract as the Redis store's, so one contract suite checks all of them.
 */
export class LocalLeases {
  private readonly held = new Map<string, { owner: string; token: number; expiresAt: number }>();
  private readonly tokens = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new lease for `owner`, or undefined while another unexpired one is held. */
  claim(key: string, owner: string, ttlMs: number): Lease | undefined {
    const current = this.held.get(key);
    if (current && current.expiresAt > this.now()) return undefined;
    const token = (this.tokens.get(key) ?? 0) + 1;
    this.tokens.set(key, token);
    this.held.set(key, { owner, token, expiresAt: this.now() + ttlMs });
    return { key, owner, token };
  }

  /** Extends a current lease; false once it is lost. */
  renew(lease: Lease, ttlMs: number): boolean {
    if (!this.isCurrent(lease)) return false;
    this.held.set(lease.key, { owner: lease.owner, token: lease.token, expiresAt: this.now() + ttlMs });
    return true;
  }

  /** Ends a current lease (a stale one changes nothing). */
  release(lease: Lease): void {
    if (this.isCurrent(lease)) this.held.delete(lease.key);
  }

  /** Throws StaleLeaseError unless `lease` is the contact's current, unexpired lease. */
  check(lease: Lease): void {
    if (!this.isCurrent(lease)) throw new StaleLeaseError(lease);
  }

  private isCurrent(lease: Lease): boolean {
    const current = this.held.get(lease.key);
    return current !== undefined && current.token === lease.token && current.owner === lease.owner && current.expiresAt > this.now();
  }
}
