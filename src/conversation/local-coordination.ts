import type { EventObject } from 'xstate';
import type { Logger } from '../logger.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { contactKey } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import { contactsWithUnsentReplies } from '../durability/outbox.ts';
import type { Clock } from './clock.ts';
import { KeyedQueue } from './contact-queue.ts';
import type { ContactWorkHandlers, Coordination } from './coordination.ts';
import { TimerScheduler } from './timer-scheduler.ts';

/**
 * Coordination in one process: a queue per contact (KeyedQueue) and wake-ups on the clock, one per
 * contact for its earliest timer and one for its next reply retry. At start, the store's indexes
 * say which contacts have pending timers and unsent replies.
 */
export class LocalCoordination implements Coordination {
  readonly distributed = false;
  private readonly queue: KeyedQueue;
  private readonly timers: TimerScheduler;
  /** Replies waiting for their next attempt, one wake-up per contact. */
  private readonly retries: TimerScheduler;
  private readonly retryHolds = new Map<string, () => void>();
  private handlers!: ContactWorkHandlers;
  private closed = false;

  constructor(
    private readonly store: SessionStore,
    clock: Clock,
    private readonly logger: Logger,
    /** Runs once the replies left by the last run have been dealt with (the sent log forgets them). */
    private readonly afterResume: () => void = () => {},
  ) {
    this.queue = new KeyedQueue((key, error) => logger.error({ err: error, contact: key }, 'contact job failed'));
    this.timers = new TimerScheduler(clock, (key) => void this.queue.push(key, () => this.handlers.timers(key)));
    this.retries = new TimerScheduler(clock, (key) => this.retryDue(key));
  }

  bind(handlers: ContactWorkHandlers): void {
    this.handlers = handlers;
  }

  async start(): Promise<void> {
    const pending = await this.store.pendingTimers();
    for (const [key, at] of pending) this.timers.set(key, at);
    if (pending.size > 0) this.logger.info({ contacts: pending.size }, 'restored pending timers');
    // Replies decided before a crash and never confirmed go out before anything new for the contact.
    const unsent = await contactsWithUnsentReplies(this.store);
    if (unsent.length > 0) this.logger.info({ contacts: unsent.length }, 'sending replies decided before the restart');
    const resumed = unsent.map((key) => this.queue.push(key, () => this.handlers.outbox(key)));
    void Promise.all(resumed).then(() => this.afterResume());
  }

  dispatch(parsed: ParsedWebhook): Promise<void> {
    const failures: unknown[] = [];
    const noting = (handle: () => Promise<void>) => async () => {
      try {
        await handle();
      } catch (error) {
        failures.push(error);
        throw error; // still logged by the queue, which goes on with the contact's next job
      }
    };
    const jobs: Promise<void>[] = [];
    for (const event of parsed.messages) {
      const key = contactKey(event.businessNumberId, event.contact.waId);
      jobs.push(this.queue.push(key, noting(() => this.handlers.inbound(key, event))));
    }
    for (const status of parsed.statuses) {
      const key = contactKey(status.businessNumberId, status.recipientId);
      jobs.push(this.queue.push(key, noting(() => this.handlers.status(key, status))));
    }
    return Promise.all(jobs).then(() => {
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} part(s) of the webhook could not be handled`);
    });
  }

  run(key: string, job: () => Promise<void>): Promise<void> {
    return this.queue.push(key, job);
  }

  enqueueEvent(key: string, event: EventObject): void {
    void this.queue.push(key, () => this.handlers.event(key, event));
  }

  armTimer(key: string, at: number | undefined): void {
    this.timers.set(key, at);
  }

  /** Wakes the contact's delivery at `at`, and keeps `idle()` waiting meanwhile. */
  scheduleRetry(key: string, at: number): void {
    if (this.closed) return;
    if (!this.retryHolds.has(key)) this.retryHolds.set(key, this.queue.hold());
    this.retries.set(key, at);
  }

  hold(): () => void {
    return this.queue.hold();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  get backlog(): number {
    return this.queue.size;
  }

  get retrying(): number {
    return this.retries.size;
  }

  get timersPending(): number {
    return this.timers.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.stop();
    this.retries.stop();
    for (const release of this.retryHolds.values()) release();
    this.retryHolds.clear();
    await this.queue.idle();
  }

  private retryDue(key: string): void {
    const release = this.retryHolds.get(key);
    this.retryHolds.delete(key);
    void this.queue.push(key, () => this.handlers.outbox(key));
    release?.();
  }
}
