import { randomUUID } from 'node:crypto';
import type { EventObject } from 'xstate';
import type { BotFailedEvent, UserEvent } from '../messages/inbound-events.ts';
import { statusAdvances, type StatusUpdate } from '../messages/status-update.ts';
import type { Logger } from '../logger.ts';
import type { Provider, ProviderError } from '../providers/provider.ts';
import type { DeliveryOutcome, OutboxDelivery } from '../delivery/outbox-delivery.ts';
import type { ReadReceipts } from '../delivery/read-receipts.ts';
import type { ParkedMessage, ParkedReply, ParkedStore } from '../isolation/parked-store.ts';
import { describeError, parkedEntry, parkedReply, type RetryOutcome } from '../isolation/parking.ts';
import { emptyRecord, nextFireAt, type ContactRecord, type OutboxEntry } from '../store/contact-record.ts';
import { getById, hasId, markSeen, pruneOutbound, setById, withPlainKeyMaps } from '../store/record-history.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { Clock } from './clock.ts';
import type { ContactStep } from './contact-step.ts';
import type { RuntimeEvents } from './runtime-events.ts';

/**
 * Timestamps later than receipt by more than this are taken as receipt time + this. A gateway's
 * clock may run a little ahead; a timestamp far in the future would keep the 24-hour window open.
 */
export const MAX_CLOCK_SKEW_MS = 60_000;

export interface ContactJobsOptions {
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  events: RuntimeEvents;
  step: ContactStep;
  outbox: OutboxDelivery;
  receipts: ReadReceipts;
  parked: ParkedStore;
  providerFor: (businessNumberId: string) => Provider;
  markRead: boolean;
  dedupeRetentionMs: number;
  outboundHistory: number;
  /** Queues an event for the contact's machine, after its current work. */
  enqueueEvent: (key: string, event: EventObject) => void;
  /** Re-arms the contact's timer wake-up. */
  armTimer: (key: string, at: number | undefined) => void;
  /** Whether to mark this contact's messages read now (a flow may turn it off during hand-overs). */
  marksRead?: (record: ContactRecord) => boolean;
}

/**
 * What runs in a contact's queue: each job loads the record, runs the contact step when there is
 * an event for the machine, then delivers the outbox. One job at a time per contact (the queue), so
 * each job is the only writer of its record while it runs.
 */
export class ContactJobs {
  constructor(private readonly options: ContactJobsOptions) {}

  /** The contact's record, or a new one; id-keyed maps without prototype (record-history.ts). */
  async load(key: string, businessNumberId: string, waId: string): Promise<ContactRecord> {
    return (await this.loadExisting(key)) ?? emptyRecord(businessNumberId, waId);
  }

  async loadExisting(key: string): Promise<ContactRecord | undefined> {
    const record = await this.options.store.load(key);
    return record && withPlainKeyMaps(record);
  }

  /** An inbound message: de-duplicated by id, marked read, run through the machine, replies sent. */
  async inbound(key: string, received: UserEvent): Promise<void> {
    const { clock, logger, parked } = this.options;
    const record = await this.load(key, received.businessNumberId, received.contact.waId);
    if (hasId(record.seen, received.messageId)) {
      logger.info({ contact: key, messageId: received.messageId }, 're-delivery ignored (message already handled)');
      // A replay after a crash: the replies its step decided may still be waiting.
      if (record.outbox?.length) await this.options.outbox.deliver(record);
      return;
    }
    const now = clock.now();
    const event = withPlausibleTimestamp(received, now);
    this.options.events.emit('inbound', { key, event });
    if (this.options.markRead && this.options.marksRead?.(record) !== false) this.options.receipts.send(this.options.providerFor(event.businessNumberId), key, event);
    markSeen(record, event.messageId, now, this.options.dedupeRetentionMs);
    record.lastInboundAt = Math.max(Math.min(record.lastInboundAt ?? 0, now + MAX_CLOCK_SKEW_MS), event.timestamp || now);
    let failed = false;
    await this.options.step.run(record, event, event.contact, now, async (error, flow) => {
      failed = true;
      await this.park(record, event, flow, error);
    });
    await this.options.outbox.deliver(record);
    // Parked by a run whose record never got saved (a crash in between), then replayed with success.
    if (!failed && (await parked.get(event.messageId))) await parked.remove(event.messageId);
  }

  /** A status webhook for one of our messages; `failed` reaches the machine as `bot.failed`. */
  async status(key: string, update: StatusUpdate): Promise<void> {
    const { clock, logger, store } = this.options;
    const record = await this.loadExisting(key);
    if (!record) {
      // Not a contact of this bot (another app on the number, or forged but signed traffic): storing
      // it would let status webhooks alone grow the store.
      logger.debug({ contact: key, messageId: update.messageId, status: update.status }, 'status for an unknown contact ignored');
      return;
    }
    const current = getById(record.outbound, update.messageId);
    if (!statusAdvances(current?.status, update.status)) {
      logger.debug({ contact: key, messageId: update.messageId, status: update.status }, 'stale status ignored');
      return;
    }
    setById(record.outbound, update.messageId, {
      status: update.status,
      at: update.timestamp || clock.now(),
      type: current?.type ?? 'unknown',
      ...(update.errors.length ? { errors: update.errors } : {}),
    });
    pruneOutbound(record, this.options.outboundHistory);
    if (update.status !== 'failed') {
      record.updatedAt = clock.now();
      await store.save(record);
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
      timestamp: update.timestamp || clock.now(),
    };
    logger.warn({ contact: key, messageId: update.messageId, code: failed.code, title: failed.title }, 'message failed');
    await this.runAndDeliver(record, failed);
  }

  /** Fires every due timer of the contact, in time order; each is one step, like any other event. */
  async timers(key: string): Promise<void> {
    const stored = await this.loadExisting(key);
    if (!stored) return;
    let record = stored;
    const now = this.options.clock.now();
    for (;;) {
      const due = record.timers.filter((t) => t.fireAt <= now).sort((a, b) => a.fireAt - b.fireAt)[0];
      if (!due) break;
      record.timers = record.timers.filter((t) => t !== due);
      this.options.logger.debug({ contact: key, timer: due.id }, 'timer fired');
      record = await this.runAndDeliver(record, due.event);
    }
    this.options.armTimer(key, nextFireAt(record));
  }

  /** Delivers the outbox of a contact (a retry came due, or replies were left by the last run). */
  async outbox(key: string): Promise<void> {
    const record = await this.loadExisting(key);
    if (!record) return;
    if (!record.outbox?.length) return this.options.store.save(record); // a stale index entry: saving clears it
    await this.options.outbox.deliver(record);
  }

  /** An event from your own system (proactive); resolves with what became of the replies it decided. */
  async notify(businessNumberId: string, waId: string, key: string, event: EventObject): Promise<DeliveryOutcome[]> {
    const record = await this.load(key, businessNumberId, waId);
    const before = new Set(record.outbox?.map((entry) => entry.id));
    await this.options.step.run(record, event, { waId }, this.options.clock.now());
    const decided = (record.outbox ?? []).filter((entry) => !before.has(entry.id)).map((entry) => entry.id);
    return this.deliverAndReport(record, decided);
  }

  /** Messages sent directly (not decided by the machine), through the outbox like any reply. */
  async send(businessNumberId: string, waId: string, key: string, messages: OutboxEntry['message'][]): Promise<DeliveryOutcome[]> {
    const record = await this.load(key, businessNumberId, waId);
    const now = this.options.clock.now();
    const entries = messages.map((message) => ({ id: randomUUID(), message, decidedAt: now }));
    record.outbox = [...(record.outbox ?? []), ...entries];
    record.updatedAt = now;
    await this.options.store.save(record);
    return this.deliverAndReport(record, entries.map((entry) => entry.id));
  }

  /** A failed reply reaches the machine as `bot.failed`, in a job of its own after the current one. */
  failureNotice(record: ContactRecord, error: ProviderError): void {
    const failed: BotFailedEvent = {
      type: 'bot.failed',
      code: error.code,
      title: error.title,
      contact: { waId: record.waId },
      businessNumberId: record.businessNumberId,
      timestamp: this.options.clock.now(),
    };
    this.options.enqueueEvent(record.key, failed);
  }

  /** An event the runtime queued for the machine (`bot.failed`): one step, replies sent. */
  async event(key: string, event: EventObject): Promise<void> {
    const record = await this.loadExisting(key);
    if (!record) return; // the contact was reset meanwhile: nothing to tell
    await this.runAndDeliver(record, event);
  }

  /**
   * Whatever of the contact's saved work is due now: replies whose next attempt has come, then due
   * timers. Nothing is written when nothing is due (a contact may be looked at often).
   */
  async due(key: string): Promise<void> {
    const record = await this.loadExisting(key);
    if (!record) return;
    const now = this.options.clock.now();
    const head = record.outbox?.[0];
    if (head && (head.nextAttemptAt ?? 0) <= now) await this.options.outbox.deliver(record);
    if (record.timers.some((timer) => timer.fireAt <= now)) await this.timers(key);
  }

  /** Re-delivers a parked message (an inbound one to the machine, a reply to the gateway). */
  async retryParked(parked: ParkedMessage): Promise<RetryOutcome> {
    if (parked.kind === 'reply') return this.retryParkedReply(parked);
    const record = await this.load(parked.key, parked.businessNumberId, parked.waId);
    let error: unknown;
    await this.options.step.run(record, parked.event, parked.event.contact, this.options.clock.now(), async (failure, flow) => {
      error = failure;
      await this.park(record, parked.event, flow, failure);
    });
    await this.options.outbox.deliver(record);
    if (error !== undefined) return { status: 'parked', error: describeError(error) };
    await this.options.parked.remove(parked.id);
    this.options.logger.info({ contact: parked.key, messageId: parked.id }, 'parked message delivered on retry');
    return { status: 'delivered' };
  }

  /** Keeps a reply given up after retries (called by the outbox before the reply leaves it). */
  async parkReply(record: ContactRecord, entry: OutboxEntry, error: ProviderError): Promise<void> {
    const id = entry.retriedFromParked ?? entry.id;
    const parked = parkedReply(await this.options.parked.get(id), { record, entry, error, now: this.options.clock.now() });
    await this.options.parked.put(parked);
    this.options.logger.error({ contact: record.key, parkedId: parked.id, code: error.code, attempts: parked.attempts }, 'reply given up after retries and parked: retry with POST /api/parked/{id}/retry');
  }

  private async retryParkedReply(parked: ParkedReply): Promise<RetryOutcome> {
    const record = await this.load(parked.key, parked.businessNumberId, parked.waId);
    const entry: OutboxEntry = { id: randomUUID(), message: parked.message, decidedAt: this.options.clock.now(), retriedFromParked: parked.id };
    record.outbox = [...(record.outbox ?? []), entry];
    await this.options.store.save(record);
    const [outcome] = await this.deliverAndReport(record, [entry.id]);
    if (outcome?.sent.error && !outcome.sent.willRetry) {
      // Failed for good: the outbox has parked it again under the same id, one attempt more.
      return { status: 'parked', error: `${outcome.sent.error.code} ${outcome.sent.error.title}` };
    }
    await this.options.parked.remove(parked.id); // sent, or back in the outbox (parked again if given up)
    if (outcome?.sent.messageId !== undefined) return { status: 'delivered' };
    return { status: 'retrying', error: outcome?.sent.error ? `${outcome.sent.error.code} ${outcome.sent.error.title}` : 'waiting behind earlier replies' };
  }

  private async runAndDeliver(record: ContactRecord, event: EventObject): Promise<ContactRecord> {
    const after = await this.options.step.run(record, event, { waId: record.waId }, this.options.clock.now());
    await this.options.outbox.deliver(after);
    return after;
  }

  /**
   * Delivers the outbox and reports on the entries given, in order; one not attempted yet (behind
   * an earlier reply that waits for its next attempt) is reported `queued`.
   */
  async deliverAndReport(record: ContactRecord, entryIds: string[]): Promise<DeliveryOutcome[]> {
    const waiting = new Map((record.outbox ?? []).map((entry) => [entry.id, entry]));
    const outcomes = await this.options.outbox.deliver(record);
    const byId = new Map(outcomes.map((outcome) => [outcome.entryId, outcome]));
    return entryIds.flatMap((id): DeliveryOutcome[] => {
      const outcome = byId.get(id);
      if (outcome) return [outcome];
      const entry = waiting.get(id);
      return entry ? [{ entryId: id, sent: { key: record.key, businessNumberId: record.businessNumberId, to: record.waId, message: entry.message, queued: true } }] : [];
    });
  }

  private async park(record: ContactRecord, event: UserEvent, flow: string, error: unknown): Promise<void> {
    const entry = parkedEntry(await this.options.parked.get(event.messageId), { record, event, flow, error, now: this.options.clock.now() });
    await this.options.parked.put(entry);
    this.options.logger.error({ contact: record.key, messageId: event.messageId, flow, attempts: entry.attempts, error: entry.error }, 'message parked: retry with POST /api/parked/{id}/retry');
  }
}

/** The event with a timestamp no later than receipt time + the allowed skew. */
function withPlausibleTimestamp(event: UserEvent, now: number): UserEvent {
  return event.timestamp > now + MAX_CLOCK_SKEW_MS ? { ...event, timestamp: now + MAX_CLOCK_SKEW_MS } : event;
}
