import type { EventObject } from 'xstate';
import type { ChartbotEvent, UserEvent } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import type { StatusUpdate } from '../messages/status-update.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { contactKey, type OutboundRecord } from '../store/contact-record.ts';
import { getById } from '../store/record-history.ts';
import type { SessionStore } from '../store/session-store.ts';
import { memoryParkedStore, type ParkedMessage, type ParkedStore } from '../isolation/parked-store.ts';
import type { RetryOutcome } from '../isolation/parking.ts';
import type { OutboxDelivery } from '../delivery/outbox-delivery.ts';
import { ReadReceipts } from '../delivery/read-receipts.ts';
import { isWindowOpen } from '../delivery/window.ts';
import type { SentLog } from '../durability/sent-log.ts';
import { systemClock, type Clock } from './clock.ts';
import type { ContactJobs } from './contact-jobs.ts';
import { contactParts } from './contact-parts.ts';
import { ConversationMigrator } from './conversation-migrator.ts';
import type { Flow } from './define-flow.ts';
import { createFlowRegistry, type FlowRegistry } from './flow-registry.ts';
import { RuntimeEvents, type RuntimeEventMap, type SentReply } from './runtime-events.ts';
import { LocalCoordination } from './local-coordination.ts';
import type { Coordination } from './coordination.ts';
import type { ContactView, RuntimeOptions } from './runtime-options.ts';
import { ContactHistory } from '../observability/contact-history.ts';
import { Handovers } from '../handover/handovers.ts';

export type { SentReply, StepReport, RuntimeEventMap } from './runtime-events.ts';
export type { RuntimeOptions, ContactView } from './runtime-options.ts';

/**
 * The conversation engine, and the hub of the path a message takes: every contact's work goes
 * through its own queue (one job at a time, in arrival order); a job (contact-jobs.ts) loads the
 * record, runs the contact step (contact-step.ts: machine, then one save of snapshot, timers and
 * outbox) and delivers the outbox (delivery/outbox-delivery.ts: in order, with retries that never
 * hold the queue). This class wires those parts and is the public API.
 */
export class Runtime {
  readonly registry: FlowRegistry;
  readonly store: SessionStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly parked: ParkedStore;
  /** What the runtime reports as it works (`runtime.events.on('step', …)`). */
  readonly events: RuntimeEvents;
  /** Each contact's bounded history (`history.append` adds entries, e.g. an agent's actions). */
  readonly history: ContactHistory;
  /** Hand-overs to people: list them, let agents write and resolve (src/handover). */
  readonly handovers: Handovers;
  /** Conversations migrated to a newer flow version, or restarted because they could not be (see versioned flows). */
  readonly migrations = new ConversationMigrator();
  /** Who runs each contact's work, and when (one process, or several sharing Redis). */
  private readonly work: Coordination;
  private readonly receipts: ReadReceipts;
  private readonly jobs: ContactJobs;
  private readonly outbox: OutboxDelivery;
  private readonly sentLog: SentLog | undefined;
  private closed = false;

  constructor(options: RuntimeOptions) {
    this.registry = Array.isArray(options.flows) ? createFlowRegistry(options.flows as readonly Flow[]) : (options.flows as FlowRegistry);
    const provider = options.provider;
    const providerFor = typeof provider === 'function' ? provider : () => provider;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.parked = options.parked ?? memoryParkedStore();
    this.sentLog = options.sentLog;
    this.history = new ContactHistory(options.history);
    this.events = new RuntimeEvents((error) => this.logger.error({ err: error }, 'a runtime event listener threw'));
    const work = (this.work = options.coordination ?? new LocalCoordination(this.store, this.clock, this.logger, () => this.sentLog?.forgetRecovered()));
    this.receipts = new ReadReceipts(this.clock, this.logger, this.events, () => work.hold());
    let parts: ReturnType<typeof contactParts> | undefined;
    this.handovers = new Handovers({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      events: this.events,
      registry: this.registry,
      providerFor,
      options: options.handover,
      run: (key, job) => this.runForResult(key, job),
      enqueue: (key, job) => void work.run(key, job),
      hold: () => work.hold(),
      jobs: () => parts!.jobs,
      step: () => parts!.step,
      inTurn: work.distributed,
    });
    parts = contactParts(options, {
      registry: this.registry,
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      events: this.events,
      parked: this.parked,
      history: this.history,
      migrations: this.migrations,
      handovers: this.handovers,
      receipts: this.receipts,
      work,
      sentLog: this.sentLog,
      providerFor,
      isClosed: () => this.closed,
    });
    this.jobs = parts.jobs;
    this.outbox = parts.outbox;
  }

  /** Picks up what the last run left: pending timers (overdue ones fire now), unsent replies, hand-over notifications. */
  async start(): Promise<void> {
    await this.work.start();
    await this.handovers.start();
  }

  /**
   * Hands everything a webhook carried to its contacts. Resolves when all of it has been handled;
   * rejects when any part could not be (e.g. the store failed to save), so the inbox journal keeps
   * the batch and processes it again instead of marking it done. A flow that throws is not such a
   * failure: it is parked.
   */
  dispatch(parsed: ParsedWebhook): Promise<void> {
    return this.work.dispatch(parsed);
  }

  /** Queues one inbound message for its contact; resolves when it has been handled. */
  deliver(event: UserEvent): Promise<void> {
    const key = contactKey(event.businessNumberId, event.contact.waId);
    return this.work.run(key, () => this.jobs.inbound(key, event));
  }

  /** Queues a status webhook for the contact it concerns. */
  recordStatus(update: StatusUpdate): Promise<void> {
    const key = contactKey(update.businessNumberId, update.recipientId);
    return this.work.run(key, () => this.jobs.status(key, update));
  }

  /** Calls `listener` for every reply sent or failed for good. Returns an unsubscribe function. */
  onReply(listener: (reply: SentReply) => void): () => void {
    return this.events.on('reply', listener);
  }

  /** Subscribes to what the runtime reports (`inbound`, `reply`, `retry`, `receipt`, `step`). */
  on<K extends keyof RuntimeEventMap>(type: K, listener: (payload: RuntimeEventMap[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  /** Resolves when no contact has queued or running work, no read receipt is in flight and no reply waits for another attempt. */
  idle(): Promise<void> {
    return this.work.idle();
  }

  /** Number of queued or running jobs (replies waiting for a retry are not counted). */
  get backlog(): number {
    return this.work.backlog;
  }

  /** Contacts with a pending timer (one wake-up each, at their earliest timer). */
  get timersPending(): number {
    return this.work.timersPending ?? 0;
  }

  /** Contacts with a reply waiting for its next attempt (a gateway outage shows here). */
  get retrying(): number {
    return this.work.retrying;
  }

  /** Read receipts sent, and dropped after their brief retries, since start. */
  get readReceipts(): { sent: number; failed: number } {
    return { ...this.receipts.counts };
  }

  /** Whether free-form messages can reach the contact now (the user wrote within 24 hours). */
  async isWindowOpen(businessNumberId: string, waId: string): Promise<boolean> {
    const record = await this.store.load(contactKey(businessNumberId, waId));
    return isWindowOpen(record?.lastInboundAt, this.clock.now());
  }

  /** Delivery status of one outbound message (accepted → sent → delivered → read, or failed). */
  async messageStatus(businessNumberId: string, waId: string, messageId: string): Promise<OutboundRecord | undefined> {
    const record = await this.jobs.loadExisting(contactKey(businessNumberId, waId));
    return record && getById(record.outbound, messageId);
  }

  /**
   * Proactive: delivers an event from outside (e.g. `{ type: 'api.orderShipped', orderId }`) to the
   * contact's machine, through the contact's queue; the machine decides what to send (a template when
   * the window is closed). Starts the conversation when the contact has none. Resolves with what
   * became of the replies it decided.
   */
  notify(businessNumberId: string, waId: string, event: EventObject): Promise<SentReply[]> {
    if (/^(user|bot|agent|xstate)\./.test(event.type)) {
      return Promise.reject(new Error(`proactive event type ${event.type} is reserved: use your own prefix, e.g. api.${event.type.split('.').pop()}`));
    }
    const key = contactKey(businessNumberId, waId);
    return this.runForResult(key, async () => (await this.jobs.notify(businessNumberId, waId, key, event)).map((outcome) => outcome.sent));
  }

  /**
   * Proactive: sends messages to a contact directly (not through its machine), through its outbox
   * and queue so they never interleave with its replies. Free-form messages need an open window;
   * templates do not.
   */
  sendMessages(businessNumberId: string, waId: string, messages: OutboundMessage[]): Promise<SentReply[]> {
    const key = contactKey(businessNumberId, waId);
    return this.runForResult(key, async () => (await this.jobs.send(businessNumberId, waId, key, messages)).map((outcome) => outcome.sent));
  }

  /** Messages whose flow failed (threw, looped, timed out) and replies given up after retries, oldest first. */
  async parkedMessages(): Promise<ParkedMessage[]> {
    return (await this.parked.list()).sort((a, b) => a.parkedAt - b.parkedAt);
  }

  /**
   * Re-delivers a parked message through its contact's queue (so it never interleaves with the
   * contact's other messages): an inbound message to the machine, a reply to the gateway.
   */
  async retryParked(id: string): Promise<RetryOutcome> {
    const parked = await this.parked.get(id);
    if (!parked) return { status: 'unknown' };
    return this.runForResult(parked.key, () => this.jobs.retryParked(parked));
  }

  /** A contact's stored record and the flow serving it; undefined for a contact never seen. */
  async inspect(businessNumberId: string, waId: string): Promise<ContactView | undefined> {
    const record = await this.jobs.loadExisting(contactKey(businessNumberId, waId));
    return record ? { record, flow: this.registry.forNumber(businessNumberId) } : undefined;
  }

  /**
   * For a process that must exit now with work left (its shutdown grace period is over): no new
   * reply is sent from now on, and this resolves once the provider calls in flight have answered,
   * so their replies are recorded as sent and not sent again at the next start.
   */
  halt(): Promise<void> {
    return this.outbox.halt();
  }

  /**
   * Stops timers and retries, finishes queued work, waits for read receipts in flight, closes the
   * store. Replies waiting for a retry stay in their outbox for the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handovers.stop(); // before the drain: a failing agent tool must not hold the close
    await this.work.close();
    await this.receipts.settled();
    await this.store.close();
  }

  /** Whether `close()` was called: a closed runtime accepts no more work. */
  get isClosed(): boolean {
    return this.closed;
  }

  private runForResult<T>(key: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('runtime is closed'));
    return new Promise<T>((resolve, reject) => {
      void this.work.run(key, async () => {
        try {
          resolve(await job());
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

export type { ChartbotEvent };
