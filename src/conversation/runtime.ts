import type { EventObject, InspectionEvent } from 'xstate';
import type { BotFailedEvent, ChartbotEvent, Contact, UserEvent } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { statusAdvances, type StatusUpdate } from '../messages/status-update.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { ProviderError, type Provider } from '../providers/provider.ts';
import { contactKey, emptyRecord, nextFireAt, type ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import { systemClock, type Clock } from './clock.ts';
import { KeyedQueue } from './contact-queue.ts';
import type { Flow } from './define-flow.ts';
import { createFlowRegistry, type FlowRegistry } from './flow-registry.ts';
import type { StepResult } from './run-step.ts';
import { runStepAwaitingServices } from './awaited-step.ts';
import { memoryParkedStore, type ParkedMessage, type ParkedStore } from '../isolation/parked-store.ts';
import { describeError, parkedEntry, type RetryOutcome } from '../isolation/parking.ts';
import { TimerScheduler } from './timer-scheduler.ts';
import { OutboundSender, type DeliveryOptions } from '../delivery/outbound-sender.ts';
import { isWindowOpen } from '../delivery/window.ts';
import { withWindowInfo } from '../delivery/window-guard.ts';
import type { OutboundRecord } from '../store/contact-record.ts';
import { addToOutbox, contactsWithUnsentReplies, dropFirstFromOutbox } from '../durability/outbox.ts';
import type { SentLog } from '../durability/sent-log.ts';

/** Options of the `Runtime` (and of `createBot`, which adds the server's). */
export interface RuntimeOptions {
  /** The flows, or a registry that routes business numbers to flows. */
  flows: readonly Flow[] | FlowRegistry;
  /** The gateway, or one per business number. */
  provider: Provider | ((businessNumberId: string) => Provider);
  store: SessionStore;
  clock?: Clock;
  logger?: Logger;
  /** Mark every inbound message read (default true). */
  markRead?: boolean;
  /** How long handled message ids are remembered for de-duplication (default 7 days). */
  dedupeRetentionMs?: number;
  /** Outbound message statuses kept per contact (default 200, most recent). */
  outboundHistory?: number;
  /** Retries, throughput limits and the 24-hour window check for outbound messages. */
  delivery?: DeliveryOptions;
  /** Observes every actor step (xstate inspection events); chartbot/testing records coverage with it. */
  inspect?: (event: InspectionEvent) => void;
  /** Where messages whose flow failed are kept for a retry (default: in memory). */
  parked?: ParkedStore;
  /** Most transitions one event may cause before the step fails (default 1,000). */
  microstepBudget?: number;
  /** How long a step waits for the promise actors (`fromPromise`) it invoked (default 10 s). */
  serviceTimeoutMs?: number;
  /** Records provider acceptances the moment they arrive, so a crash right after does not resend (see src/durability). */
  sentLog?: SentLog;
}

/** One reply the runtime sent (or failed to send), for observers such as the test harness. */
export interface SentReply {
  key: string;
  businessNumberId: string;
  to: string;
  message: OutboundMessage;
  messageId?: string;
  error?: ProviderError;
}

/** What a contact's machine looks like now, for admin tools and tests. */
export interface ContactView {
  record: ContactRecord;
  flow: Flow;
}

const DAY = 24 * 60 * 60 * 1000;
const SEEN_CAP = 1000;

function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/**
 * The conversation engine: every contact's events go through its own queue (one at a time, in
 * arrival order), each step restores the contact's machine from the store, delivers the event,
 * persists the new snapshot and timers, then sends the replies in order.
 */
export class Runtime {
  readonly registry: FlowRegistry;
  readonly store: SessionStore;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly providerFor: (businessNumberId: string) => Provider;
  private readonly queue: KeyedQueue;
  private readonly scheduler: TimerScheduler;
  private readonly markRead: boolean;
  private readonly dedupeRetentionMs: number;
  private readonly outboundHistory: number;
  private readonly inspector: ((event: InspectionEvent) => void) | undefined;
  private readonly replyListeners = new Set<(reply: SentReply) => void>();
  private readonly sender: OutboundSender;
  private readonly sentLog: SentLog | undefined;
  private closed = false;
  readonly parked: ParkedStore;
  private readonly stepLimits: { microstepBudget?: number; serviceTimeoutMs?: number };

  constructor(options: RuntimeOptions) {
    this.registry = Array.isArray(options.flows)
      ? createFlowRegistry(options.flows as readonly Flow[])
      : (options.flows as FlowRegistry);
    const provider = options.provider;
    this.providerFor = typeof provider === 'function' ? provider : () => provider;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.markRead = options.markRead ?? true;
    this.dedupeRetentionMs = options.dedupeRetentionMs ?? 7 * DAY;
    this.outboundHistory = options.outboundHistory ?? 200;
    this.inspector = options.inspect;
    this.parked = options.parked ?? memoryParkedStore();
    this.stepLimits = { ...(options.microstepBudget ? { microstepBudget: options.microstepBudget } : {}), ...(options.serviceTimeoutMs ? { serviceTimeoutMs: options.serviceTimeoutMs } : {}) };
    this.sentLog = options.sentLog;
    this.queue = new KeyedQueue((key, error) => this.logger.error({ err: error, contact: key }, 'contact job failed'));
    this.scheduler = new TimerScheduler(this.clock, (key) => void this.queue.push(key, () => this.fireTimers(key)));
    this.sender = new OutboundSender(this.providerFor, this.clock, options.delivery, this.logger);
  }

  /** Arms the timers that were pending when the process last stopped (overdue ones fire now). */
  async start(): Promise<void> {
    const pending = await this.store.pendingTimers();
    for (const [key, at] of pending) this.scheduler.set(key, at);
    if (pending.size > 0) this.logger.info({ contacts: pending.size }, 'restored pending timers');
    // Replies decided before a crash and never confirmed go out before anything new for the contact.
    const resumed = (await contactsWithUnsentReplies(this.store)).map((key) => this.queue.push(key, () => this.resumeOutbox(key)));
    void Promise.all(resumed).then(() => this.sentLog?.forgetRecovered());
  }

  /**
   * Queues everything a webhook carried. Resolves when all of it has been handled; rejects when any
   * part could not be (e.g. the store failed to save), so the inbox journal keeps the batch for the
   * next start instead of marking it done. A flow that throws is not such a failure: it is parked.
   */
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
      jobs.push(this.queue.push(key, noting(() => this.handleInbound(key, event))));
    }
    for (const status of parsed.statuses) {
      const key = contactKey(status.businessNumberId, status.recipientId);
      jobs.push(this.queue.push(key, noting(() => this.handleStatus(key, status))));
    }
    return Promise.all(jobs).then(() => {
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} part(s) of the webhook could not be handled`);
    });
  }

  /** Queues one inbound message for its contact; resolves when it has been handled. */
  deliver(event: UserEvent): Promise<void> {
    const key = contactKey(event.businessNumberId, event.contact.waId);
    return this.queue.push(key, () => this.handleInbound(key, event));
  }

  /** Queues a status webhook for the contact it concerns. */
  recordStatus(update: StatusUpdate): Promise<void> {
    const key = contactKey(update.businessNumberId, update.recipientId);
    return this.queue.push(key, () => this.handleStatus(key, update));
  }

  /** Calls `listener` for every reply sent or failed. Returns an unsubscribe function. */
  onReply(listener: (reply: SentReply) => void): () => void {
    this.replyListeners.add(listener);
    return () => this.replyListeners.delete(listener);
  }

  /** Resolves when no contact has queued or running work. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Number of queued or running jobs. */
  get backlog(): number {
    return this.queue.size;
  }

  /** Whether free-form messages can reach the contact now (the user wrote within 24 hours). */
  async isWindowOpen(businessNumberId: string, waId: string): Promise<boolean> {
    const record = await this.store.load(contactKey(businessNumberId, waId));
    return isWindowOpen(record?.lastInboundAt, this.clock.now());
  }

  /** Delivery status of one outbound message (accepted → sent → delivered → read, or failed). */
  async messageStatus(businessNumberId: string, waId: string, messageId: string): Promise<OutboundRecord | undefined> {
    const record = await this.store.load(contactKey(businessNumberId, waId));
    return record?.outbound[messageId];
  }

  /**
   * Proactive: delivers an event from outside (e.g. `{ type: 'api.orderShipped', orderId }`) to the
   * contact's machine, through the contact's queue; the machine decides what to send (a template when
   * the window is closed). Starts the conversation when the contact has none. Resolves with the replies.
   */
  notify(businessNumberId: string, waId: string, event: EventObject): Promise<SentReply[]> {
    if (/^(user|bot|xstate)\./.test(event.type)) {
      return Promise.reject(new Error(`proactive event type ${event.type} is reserved: use your own prefix, e.g. api.${event.type.split('.').pop()}`));
    }
    const key = contactKey(businessNumberId, waId);
    return this.runForResult(key, async () => {
      const before = new Set<SentReply>();
      const off = this.onReply((sent) => sent.key === key && before.add(sent));
      try {
        const record = await this.loadRecord(key, businessNumberId, waId);
        await this.step(record, event, { waId }, this.clock.now());
      } finally {
        off();
      }
      return [...before];
    });
  }

  /**
   * Proactive: sends messages to a contact directly (not through its machine), in the contact's queue
   * so they never interleave with its replies. Free-form messages need an open window; templates do not.
   */
  sendMessages(businessNumberId: string, waId: string, messages: OutboundMessage[]): Promise<SentReply[]> {
    const key = contactKey(businessNumberId, waId);
    return this.runForResult(key, async () => {
      const record = await this.loadRecord(key, businessNumberId, waId);
      const sent = await this.sendReplies(record, messages, false);
      record.updatedAt = this.clock.now();
      await this.store.save(record);
      return sent;
    });
  }

  private runForResult<T>(key: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('runtime is closed'));
    return new Promise<T>((resolve, reject) => {
      void this.queue.push(key, async () => {
        try {
          resolve(await job());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Messages whose flow failed (threw, looped, timed out), oldest first. */
  async parkedMessages(): Promise<ParkedMessage[]> {
    return (await this.parked.list()).sort((a, b) => a.parkedAt - b.parkedAt);
  }

  /**
   * Re-delivers a parked message to its contact's machine, through the contact's queue (so it never
   * interleaves with the contact's other messages). Succeeds → unparked; fails again → stays parked.
   */
  async retryParked(id: string): Promise<RetryOutcome> {
    const parked = await this.parked.get(id);
    if (!parked) return { status: 'unknown' };
    return this.runForResult(parked.key, async () => {
      const record = await this.loadRecord(parked.key, parked.businessNumberId, parked.waId);
      let error: unknown;
      await this.step(record, parked.event, parked.event.contact, this.clock.now(), async (failure, flow) => {
        error = failure;
        await this.park(record, parked.event, flow, failure);
      });
      if (error !== undefined) return { status: 'parked', error: describeError(error) };
      await this.parked.remove(id);
      this.logger.info({ contact: parked.key, messageId: id }, 'parked message delivered on retry');
      return { status: 'delivered' };
    });
  }

  private async park(record: ContactRecord, event: UserEvent, flow: string, error: unknown): Promise<void> {
    const entry = parkedEntry(await this.parked.get(event.messageId), { record, event, flow, error, now: this.clock.now() });
    await this.parked.put(entry);
    this.logger.error({ contact: record.key, messageId: event.messageId, flow, attempts: entry.attempts, error: entry.error }, 'message parked: retry with POST /api/parked/{id}/retry');
  }

  /** A contact's stored record and the flow serving it; undefined for a contact never seen. */
  async inspect(businessNumberId: string, waId: string): Promise<ContactView | undefined> {
    const record = await this.store.load(contactKey(businessNumberId, waId));
    return record ? { record, flow: this.registry.forNumber(businessNumberId) } : undefined;
  }

  /** Stops timers, finishes queued work, closes the store. Further messages are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    await this.queue.idle();
    await this.store.close();
  }

  /** Whether `close()` was called: a closed runtime accepts no more work. */
  get isClosed(): boolean {
    return this.closed;
  }

  private async loadRecord(key: string, businessNumberId: string, waId: string): Promise<ContactRecord> {
    return (await this.store.load(key)) ?? emptyRecord(businessNumberId, waId);
  }

  private async handleInbound(key: string, event: UserEvent): Promise<void> {
    const record = await this.loadRecord(key, event.businessNumberId, event.contact.waId);
    if (record.seen[event.messageId] !== undefined) {
      this.logger.debug({ contact: key, messageId: event.messageId }, 'duplicate delivery ignored');
      // A replay after a crash: the replies its step decided may still be waiting.
      if (record.outbox?.length) await this.deliverOutbox(record);
      return;
    }
    const now = this.clock.now();
    const provider = this.providerFor(event.businessNumberId);
    const receipt = this.markRead ? this.sendReadReceipt(provider, key, event) : Promise.resolve();

    record.seen[event.messageId] = now;
    this.pruneSeen(record, now);
    record.lastInboundAt = Math.max(record.lastInboundAt ?? 0, event.timestamp || now);
    let failed = false;
    await this.step(record, event, event.contact, now, (error, flow) => ((failed = true), this.park(record, event, flow, error)));
    // Parked by a run whose record never got saved (a crash in between), then replayed with success.
    if (!failed && (await this.parked.get(event.messageId))) await this.parked.remove(event.messageId);
    await receipt;
  }

  private async handleStatus(key: string, update: StatusUpdate): Promise<void> {
    const record = await this.store.load(key);
    if (!record) {
      // Not a contact of this bot (another app on the number, or forged but signed traffic): storing
      // it would let status webhooks alone grow the store.
      this.logger.debug({ contact: key, messageId: update.messageId, status: update.status }, 'status for an unknown contact ignored');
      return;
    }
    const current = record.outbound[update.messageId];
    if (!statusAdvances(current?.status, update.status)) {
      this.logger.debug({ contact: key, messageId: update.messageId, status: update.status }, 'stale status ignored');
      return;
    }
    record.outbound[update.messageId] = {
      status: update.status,
      at: update.timestamp || this.clock.now(),
      type: current?.type ?? 'unknown',
      ...(update.errors.length ? { errors: update.errors } : {}),
    };
    this.pruneOutbound(record);
    if (update.status !== 'failed') {
      record.updatedAt = this.clock.now();
      await this.store.save(record);
      return;
    }
    const error = update.errors[0];
    const failed: BotFailedEvent = {
      type: 'bot.failed',
      messageId: update.messageId,
      code: error?.code ?? 0,
      title: error?.title ?? error?.message ?? 'failed',
      contact: { waId: record.waId },
      businessNumberId: update.businessNumberId,
      timestamp: update.timestamp || this.clock.now(),
    };
    this.logger.warn({ contact: key, messageId: update.messageId, code: failed.code, title: failed.title }, 'message failed');
    await this.step(record, failed, { waId: record.waId }, this.clock.now());
  }

  private async fireTimers(key: string): Promise<void> {
    const stored = await this.store.load(key);
    if (!stored) return;
    let record = stored;
    const now = this.clock.now();
    // Fire every due timer in time order; each is one step, like any other event.
    for (;;) {
      const due = record.timers.filter((t) => t.fireAt <= now).sort((a, b) => a.fireAt - b.fireAt)[0];
      if (!due) break;
      record.timers = record.timers.filter((t) => t !== due);
      this.logger.debug({ contact: key, timer: due.id }, 'timer fired');
      record = await this.step(record, due.event, { waId: record.waId }, now);
    }
    this.scheduler.set(key, nextFireAt(record));
  }

  /**
   * Runs the contact's machine on one event, persists the result and sends the replies. A flow that
   * throws leaves the last good snapshot in place (the event is still recorded as handled).
   */
  private async step(
    record: ContactRecord,
    event: EventObject,
    contact: Contact,
    now: number,
    onFailure?: (error: unknown, flow: string) => Promise<void>,
  ): Promise<ContactRecord> {
    const flow = this.registry.forNumber(record.businessNumberId);
    if (record.flow !== undefined && record.flow !== flow.name) {
      this.logger.info({ contact: record.key, from: record.flow, to: flow.name }, 'number now routed to another flow: conversation restarts');
      delete record.snapshot;
      record.timers = [];
    }
    const input = { contact, businessNumberId: record.businessNumberId };
    const observer = this.inspector;
    const inspecting = (windowInspect: (e: InspectionEvent) => void) =>
      observer ? (e: InspectionEvent) => (windowInspect(e), observer(e)) : windowInspect;
    const window = { lastInboundAt: record.lastInboundAt, now };
    const limits = this.stepLimits;
    let result: StepResult = await withWindowInfo(window, (windowInspect) => runStepAwaitingServices({ machine: flow.machine, snapshot: record.snapshot, timers: record.timers, event, input, now, inspect: inspecting(windowInspect), ...limits }, limits.serviceTimeoutMs));
    if (!result.ok && result.phase === 'restore' && record.snapshot !== undefined) {
      // The flow changed so much that the saved state no longer exists in it: start over, loudly.
      this.logger.error({ err: result.error, contact: record.key, flow: flow.name }, 'saved state cannot be restored into the flow; starting the conversation over');
      result = await withWindowInfo(window, (windowInspect) => runStepAwaitingServices({ machine: flow.machine, snapshot: undefined, timers: [], event, input, now, inspect: inspecting(windowInspect), ...limits }, limits.serviceTimeoutMs));
    }
    if (!result.ok) {
      this.logger.error(
        { err: result.error, contact: record.key, flow: flow.name, event: event.type },
        'flow threw: contact keeps its last good state',
      );
      // Parked before the record (which marks the message handled) is saved: a crash in between
      // re-runs the message rather than losing it.
      await onFailure?.(result.error, flow.name);
      record.updatedAt = now;
      await this.store.save(record);
      this.scheduler.set(record.key, nextFireAt(record));
      return record;
    }
    record.flow = flow.name;
    if (result.snapshot === undefined) delete record.snapshot;
    else record.snapshot = result.snapshot;
    record.timers = result.timers;
    record.updatedAt = now;
    addToOutbox(record, result.replies, now, event.type === 'bot.failed');
    await this.store.save(record);
    this.scheduler.set(record.key, nextFireAt(record));
    await this.deliverOutbox(record);
    return record;
  }

  /**
   * Sends the contact's unconfirmed replies oldest first; each leaves the outbox in a save right
   * after the provider answered, so a crash repeats at most the one reply in flight.
   */
  private async deliverOutbox(record: ContactRecord): Promise<void> {
    for (let entry = record.outbox?.[0]; entry; entry = record.outbox?.[0]) {
      let saved = () => {};
      const sentBefore = this.sentLog?.sentBefore(record.key, entry.id);
      if (sentBefore !== undefined) {
        // Accepted just before the last crash, after which the record could not say so: do not resend.
        record.outbound[sentBefore] ??= { status: 'accepted', at: this.clock.now(), type: entry.message.type };
      } else {
        const [sent] = await this.sendReplies(record, [entry.message], entry.causedByFailure === true);
        if (sent?.messageId !== undefined && this.sentLog) saved = this.sentLog.record(record.key, entry.id, sent.messageId);
      }
      dropFirstFromOutbox(record);
      await this.store.save(record);
      saved();
    }
  }

  private async resumeOutbox(key: string): Promise<void> {
    const record = await this.store.load(key);
    if (!record) return;
    if (!record.outbox?.length) return this.store.save(record); // a stale index entry: saving clears it
    this.logger.info({ contact: key, replies: record.outbox.length }, 'sending replies decided before the restart');
    await this.deliverOutbox(record);
  }

  private async sendReplies(record: ContactRecord, replies: OutboundMessage[], causedByFailure: boolean): Promise<SentReply[]> {
    const provider = this.providerFor(record.businessNumberId);
    const results: SentReply[] = [];
    for (const message of replies) {
      const sent: SentReply = { key: record.key, businessNumberId: record.businessNumberId, to: record.waId, message };
      try {
        // Window check, throughput limiter and retries (src/delivery); the contact's queue keeps the order.
        const { messageId } = await this.sender.send({ businessNumberId: record.businessNumberId, to: record.waId, message, lastInboundAt: record.lastInboundAt });
        sent.messageId = messageId;
        record.outbound[messageId] = { status: 'accepted', at: this.clock.now(), type: message.type };
      } catch (error) {
        const providerError = isProviderError(error)
          ? error
          : new ProviderError(String(error), { provider: provider.name, code: 0, title: String(error), retryable: false });
        sent.error = providerError;
        this.logger.error({ err: error, contact: record.key, type: message.type }, 'reply could not be sent');
        // Tell the machine, unless this reply was itself the reaction to a failure (no loops).
        if (!causedByFailure) {
          const failed: BotFailedEvent = {
            type: 'bot.failed',
            code: providerError.code,
            title: providerError.title,
            contact: { waId: record.waId },
            businessNumberId: record.businessNumberId,
            timestamp: this.clock.now(),
          };
          void this.queue.push(record.key, async () => {
            const fresh = await this.loadRecord(record.key, record.businessNumberId, record.waId);
            await this.step(fresh, failed, failed.contact, this.clock.now());
          });
        }
      }
      for (const listener of this.replyListeners) listener(sent);
      results.push(sent);
    }
    this.pruneOutbound(record);
    return results;
  }

  private async sendReadReceipt(provider: Provider, key: string, event: UserEvent): Promise<void> {
    try {
      await provider.markRead({ businessNumberId: event.businessNumberId, messageId: event.messageId });
    } catch (error) {
      this.logger.warn({ err: error, contact: key, messageId: event.messageId }, 'read receipt failed');
    }
  }

  private pruneSeen(record: ContactRecord, now: number): void {
    const ids = Object.keys(record.seen);
    if (ids.length <= SEEN_CAP && (record.seen[ids[0] ?? ''] ?? now) > now - this.dedupeRetentionMs) return;
    for (const id of ids) if ((record.seen[id] ?? 0) <= now - this.dedupeRetentionMs) delete record.seen[id];
    const kept = Object.keys(record.seen);
    for (const id of kept.slice(0, Math.max(0, kept.length - SEEN_CAP))) delete record.seen[id];
  }

  private pruneOutbound(record: ContactRecord): void {
    const ids = Object.keys(record.outbound);
    for (const id of ids.slice(0, Math.max(0, ids.length - this.outboundHistory))) delete record.outbound[id];
  }
}

export type { ChartbotEvent };
