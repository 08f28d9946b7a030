import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventObject } from 'xstate';
import type { ContactWorkHandlers, Coordination } from '../conversation/coordination.ts';
import type { Logger } from '../logger.ts';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import type { StatusUpdate } from '../messages/status-update.ts';
import { contactKey } from '../store/contact-record.ts';
import type { Lease } from '../store/lease.ts';
import { IdleTracker } from '../conversation/idle-tracker.ts';
import { LeasedStore, type LeaseContext } from './leased-store.ts';
import type { DamagedItem, InboxItem, RedisStore } from './redis-store.ts';

/** Options of `RedisCoordination` (createBot's `redis` option sets them from CHARTBOT_REDIS_*). */
export interface RedisCoordinationOptions {
  logger: Logger;
  /** This instance's name in leases (default: host, pid and a random suffix). */
  owner?: string;
  /** How long a contact stays with an instance that stopped answering (default 5 s): the failover time. */
  leaseMs?: number;
  /** How often due contacts are looked for (default 250 ms). */
  pollMs?: number;
  /** Contacts this instance works on at once, at most, when it picks due ones (default 256). */
  maxActive?: number;
  /** Told when Redis refuses or answers again (`/health`). */
  onRedisError?: (error: unknown) => void;
  /** Told when Redis answers (again). */
  onRedisOk?: () => void;
}

/** A proactive job (notify, send, parked retry) waiting for the contact's turn. */
interface Job {
  run: () => Promise<void>;
  fail: (error: unknown) => void;
}

/** This instance's work on one contact: jobs waiting for it, and whether to look at the inbox again. */
interface Worker {
  jobs: Job[];
  again: boolean;
  done: Promise<void>;
}

/** A failed session hands its contact back for this long before anyone looks at it again. */
const FAILURE_RETRY_MS = 1000;
/** How long a proactive job waits for a contact another instance is working on. */
const RUN_WAIT_MS = 30_000;

/**
 * Coordination of several instances through Redis (see docs/scaling.md): an instance works on a
 * contact only while it holds the contact's lease; it claims one when it accepted something for
 * the contact or when its poller finds the contact due; it then sends what is due, fires due
 * timers, processes the contact's inbox in order, runs the jobs waiting for the contact, and
 * releases the lease (or goes on when more arrived meanwhile). Every save under the lease is
 * fenced, and consumes the inbox item it processed.
 */
export class RedisCoordination implements Coordination {
  readonly distributed = true;
  /** The store the runtime uses: loads from the lease's copy, fenced saves (leased-store.ts). */
  readonly store: LeasedStore;
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxActive: number;
  private readonly contexts = new Map<string, LeaseContext>();
  private readonly active = new Map<string, Worker>();
  private handlers!: ContactWorkHandlers;
  private poller: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private closed = false;
  private readonly idleness = new IdleTracker(() => this.active.size > 0);

  constructor(
    private readonly redis: RedisStore,
    private readonly options: RedisCoordinationOptions,
  ) {
    this.owner = options.owner ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 5000;
    this.pollMs = options.pollMs ?? 250;
    this.maxActive = options.maxActive ?? 256;
    this.store = new LeasedStore(redis, this.contexts);
  }

  bind(handlers: ContactWorkHandlers): void {
    this.handlers = handlers;
  }

  /** Starts looking for due contacts: those of a dead instance, timers, replies to retry. */
  async start(): Promise<void> {
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
    await this.poll();
  }

  /** The webhook's items are already in the contacts' inboxes (RedisStore.accept): work on them now. */
  async dispatch(parsed: ParsedWebhook): Promise<void> {
    const keys = new Set([...parsed.messages.map((m) => contactKey(m.businessNumberId, m.contact.waId)), ...parsed.statuses.map((s) => contactKey(s.businessNumberId, s.recipientId))]);
    await Promise.all([...keys].map((key) => this.serve(key).catch((error: unknown) => this.options.logger.warn({ err: error, contact: key }, 'contact not processed now; it stays due and is tried again'))));
  }

  run(key: string, job: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('runtime is closed'));
    return new Promise<void>((resolve, reject) => {
      this.serve(key, { run: () => job().then(resolve, reject), fail: reject }).catch(reject);
    });
  }

  enqueueEvent(key: string, event: EventObject): void {
    // Into the contact's inbox, durably: the lease holder (usually this instance, right now) runs it next.
    this.redis.accept([{ contact: key, kind: 'e', payload: event }]).catch((error: unknown) => this.options.logger.error({ err: error, contact: key, event: event.type }, 'event for the machine could not be queued'));
  }

  /** Nothing to arm here: the record's next due time is saved with it, and the poller finds it. */
  armTimer(): void {}

  scheduleRetry(): void {}

  hold(): () => void {
    return this.idleness.hold();
  }

  idle(): Promise<void> {
    return this.idleness.idle();
  }

  /** Contacts this instance is working on. */
  get backlog(): number {
    return this.active.size;
  }

  /** Replies waiting for a retry are scheduled in Redis, not here. */
  get retrying(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    await Promise.allSettled([...this.active.values()].map((worker) => worker.done));
  }

  /** Works on `key` now, or adds `job` to the work already going on for it in this instance. */
  private serve(key: string, job?: Job): Promise<void> {
    const existing = this.active.get(key);
    if (existing) {
      if (job) existing.jobs.push(job);
      else existing.again = true;
      return existing.done;
    }
    const worker: Worker = { jobs: job ? [job] : [], again: true, done: Promise.resolve() };
    this.active.set(key, worker);
    worker.done = this.work(key, worker).finally(() => {
      this.active.delete(key);
      this.idleness.check();
    });
    return worker.done;
  }

  private async work(key: string, worker: Worker): Promise<void> {
    const since = Date.now();
    while (worker.again || worker.jobs.length > 0) {
      if (this.closed) return this.failJobs(worker, new Error('runtime is closed'));
      worker.again = false;
      let outcome: 'worked' | 'busy';
      try {
        outcome = await this.session(key, worker);
      } catch (error) {
        this.failJobs(worker, error);
        throw error;
      }
      if (outcome === 'worked') continue;
      // Another instance holds the contact: it will see the inbox when it releases it. Jobs of ours wait.
      if (worker.jobs.length === 0) return;
      if (Date.now() - since > RUN_WAIT_MS) return this.failJobs(worker, new Error(`contact ${key} stayed busy on another instance for ${RUN_WAIT_MS / 1000} s; try again`));
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, this.pollMs)));
    }
  }

  private failJobs(worker: Worker, error: unknown): void {
    for (const job of worker.jobs.splice(0)) job.fail(error);
  }

  /** One lease on the contact: claim, everything due, the inbox, our jobs, release (or go on). */
  private async session(key: string, worker: Worker): Promise<'worked' | 'busy'> {
    const claim = await this.redis.claim(key, this.owner, this.leaseMs);
    if (!claim) return 'busy';
    const context: LeaseContext = { lease: claim.lease, json: claim.recordJson, consume: undefined };
    this.contexts.set(key, context);
    // The heartbeat runs beside the session's own round trips. While a release is on its way, a
    // renew sent just before it reaches Redis after the lease was deleted and finds nothing to
    // extend: that is the release, not a lost lease, so it is neither sent nor reported then.
    const beat = { releasing: false };
    const heartbeat = setInterval(() => void (beat.releasing ? undefined : this.renew(context.lease, beat)), Math.max(100, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    try {
      let items = claim.items;
      for (;;) {
        await this.handlers.due(key);
        for (const item of items) await this.handle(key, context, item);
        while (worker.jobs.length > 0) await worker.jobs.shift()!.run();
        // What that work made due now (hand-over notifications) is done in this turn too.
        await this.handlers.due(key);
        beat.releasing = true;
        const outcome = await this.redis.releaseOrContinue(context.lease);
        if (outcome.status === 'more') {
          beat.releasing = false; // the lease is kept: the heartbeat goes on extending it
          items = outcome.items;
          continue;
        }
        if (outcome.status === 'stale') this.options.logger.warn({ contact: key }, 'lease lost before release: another instance took the contact over');
        return 'worked';
      }
    } catch (error) {
      // Handed back with a pause (a Redis that went away just lets the lease expire instead).
      beat.releasing = true;
      await this.redis.releaseOrContinue(context.lease, Date.now() + FAILURE_RETRY_MS).catch(() => {});
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.contexts.delete(key);
    }
  }

  private async handle(key: string, context: LeaseContext, item: InboxItem | DamagedItem): Promise<void> {
    if ('damaged' in item) {
      this.options.logger.error({ contact: key, item: item.id, reason: item.damaged }, 'inbox item that does not decode skipped');
      await this.redis.consume(context.lease, item.id);
      return;
    }
    // The first save of this item's work removes it from the inbox in the same script.
    context.consume = item.id;
    if (item.kind === 'm') await this.handlers.inbound(key, item.payload as UserEvent);
    else if (item.kind === 's') await this.handlers.status(key, item.payload as StatusUpdate);
    else await this.handlers.event(key, item.payload as EventObject);
    if (context.consume !== undefined) {
      // Handled without a save (a re-delivery, a status for an unknown contact).
      await this.redis.consume(context.lease, item.id);
      context.consume = undefined;
    }
  }

  private async renew(lease: Lease, beat: { releasing: boolean }): Promise<void> {
    try {
      if (!(await this.redis.renew(lease, this.leaseMs)) && !beat.releasing) this.options.logger.warn({ contact: lease.key }, 'lease could not be extended: the next write will be refused');
    } catch (error) {
      this.options.logger.warn({ err: error, contact: lease.key }, 'lease could not be extended (Redis unreachable?)');
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const keys = await this.redis.due(Date.now(), this.maxActive - this.active.size);
      this.options.onRedisOk?.();
      for (const key of keys) {
        if (this.active.has(key)) continue;
        void this.serve(key).catch((error: unknown) => this.options.logger.warn({ err: error, contact: key }, 'due contact not processed now; tried again later'));
      }
    } catch (error) {
      this.options.onRedisError?.(error);
    } finally {
      this.polling = false;
    }
  }
}
