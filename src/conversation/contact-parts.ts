import type { Handovers } from '../handover/handovers.ts';
import { OutboundSender } from '../delivery/outbound-sender.ts';
import { OutboxDelivery } from '../delivery/outbox-delivery.ts';
import type { ReadReceipts } from '../delivery/read-receipts.ts';
import type { SentLog } from '../durability/sent-log.ts';
import type { ParkedStore } from '../isolation/parked-store.ts';
import type { Logger } from '../logger.ts';
import type { ContactHistory } from '../observability/contact-history.ts';
import type { Provider } from '../providers/provider.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { Clock } from './clock.ts';
import { ContactJobs } from './contact-jobs.ts';
import { ContactStep } from './contact-step.ts';
import type { ConversationMigrator } from './conversation-migrator.ts';
import type { Coordination } from './coordination.ts';
import type { FlowRegistry } from './flow-registry.ts';
import type { RuntimeEvents } from './runtime-events.ts';
import type { RuntimeOptions } from './runtime-options.ts';

const DAY = 24 * 60 * 60 * 1000;

/** What the runtime has already made when it builds the parts of a contact's work. */
export interface ContactPartsBase {
  registry: FlowRegistry;
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  events: RuntimeEvents;
  parked: ParkedStore;
  history: ContactHistory;
  migrations: ConversationMigrator;
  handovers: Handovers;
  receipts: ReadReceipts;
  work: Coordination;
  sentLog: SentLog | undefined;
  providerFor: (businessNumberId: string) => Provider;
  isClosed: () => boolean;
}

/**
 * The three parts a contact's work goes through, built together since each needs another: the
 * step (the machine, one save), the outbox delivery (sends, retries), and the jobs that run them in
 * the contact's turn; and binds the jobs to the coordination.
 */
export function contactParts(options: RuntimeOptions, base: ContactPartsBase): { step: ContactStep; outbox: OutboxDelivery; jobs: ContactJobs } {
  const { work, store, clock, logger, events } = base;
  const outboundHistory = options.outboundHistory ?? 200;
  const armTimer = (key: string, at: number | undefined) => work.armTimer(key, at);
  const step = new ContactStep({
    registry: base.registry,
    migrations: base.migrations,
    store,
    logger,
    events,
    inspect: options.inspect,
    limits: { ...(options.microstepBudget ? { microstepBudget: options.microstepBudget } : {}), ...(options.serviceTimeoutMs ? { serviceTimeoutMs: options.serviceTimeoutMs } : {}) },
    armTimer,
    history: base.history,
    observer: base.handovers,
  });
  const outbox: OutboxDelivery = new OutboxDelivery({
    store,
    clock,
    logger,
    events,
    sender: new OutboundSender(base.providerFor, clock, options.delivery, logger),
    providerName: (businessNumberId) => base.providerFor(businessNumberId).name,
    sentLog: base.sentLog,
    retry: options.delivery?.retry,
    outboundHistory,
    scheduleRetry: (key, at) => {
      if (!base.isClosed()) work.scheduleRetry(key, at);
    },
    onFailed: (record, error) => jobs.failureNotice(record, error),
    onGiveUp: (record, entry, error) => jobs.parkReply(record, entry, error),
  });
  const jobs: ContactJobs = new ContactJobs({
    store,
    clock,
    logger,
    events,
    step,
    outbox,
    receipts: base.receipts,
    parked: base.parked,
    providerFor: base.providerFor,
    markRead: options.markRead ?? true,
    dedupeRetentionMs: options.dedupeRetentionMs ?? 7 * DAY,
    outboundHistory,
    enqueueEvent: (key, event) => work.enqueueEvent(key, event),
    armTimer,
    marksRead: (record) => base.handovers.marksRead(record),
  });
  work.bind({
    inbound: (key, event) => jobs.inbound(key, event),
    status: (key, update) => jobs.status(key, update),
    event: (key, event) => jobs.event(key, event),
    timers: (key) => jobs.timers(key),
    outbox: (key) => jobs.outbox(key),
    due: async (key) => {
      await jobs.due(key);
      // Several instances: hand-over notifications are delivered in the contact's turn.
      if (work.distributed) await base.handovers.deliverDue(key);
    },
  });
  return { step, outbox, jobs };
}
