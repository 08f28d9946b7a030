import type { Clock } from '../conversation/clock.ts';
import { TimerScheduler } from '../conversation/timer-scheduler.ts';
import { retryDelay, type RetryPolicy } from '../delivery/retry.ts';
import type { Logger } from '../logger.ts';
import type { Provider } from '../providers/provider.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { AgentSink } from './agent-sink.ts';
import type { AgentOutboxEntry, SinkState } from './handover-record.ts';

/** Agent tools are retried patiently: 1 s, 2 s, 4 s … up to 5 minutes between attempts, without end. */
export const NOTIFICATION_RETRY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60 * 1000 };

export interface NotificationDeliveryOptions {
  clock: Clock;
  logger: Logger;
  sinks: readonly AgentSink[];
  providerFor: (businessNumberId: string) => Provider;
  /** Queues a job behind the contact's current one (it saves the record). */
  enqueue: (key: string, job: () => Promise<void>) => void;
  load: (key: string) => Promise<ContactRecord | undefined>;
  save: (record: ContactRecord) => Promise<void>;
  /** Keeps the runtime from counting as idle while notifications wait (returns the release). */
  hold: () => () => void;
  retry?: RetryPolicy;
}

/** One contact's notifications for one sink. */
interface Lane {
  id: string;
  key: string;
  businessNumberId: string;
  sink: AgentSink;
  /** Not delivered yet, oldest first (the head may be in flight). */
  pending: AgentOutboxEntry[];
  /** Delivered, still on the saved record until the confirming job removes them. */
  delivered: Set<string>;
  state: SinkState | undefined;
  /** The state changed since the last confirmation (or must be forgotten: null). */
  stateDirty: boolean;
  busy: boolean;
  failures: number;
  confirming: boolean;
  release?: () => void;
}

/**
 * Delivers hand-over notifications to the agent sinks, per contact and sink in order, outside the
 * contact's queue: a slow or failing agent tool never holds up the conversation. The notifications
 * live on the contact record (`agentOutbox`, saved with the step that caused them); a delivered one
 * is removed by a small job in the contact's queue, so a crash in between repeats it (at least
 * once: receivers de-duplicate by `id`). Failures are retried with backoff while the sink fails,
 * through a scheduled wake-up per lane, and after a restart (`restore`).
 */
export class NotificationDelivery {
  private readonly lanes = new Map<string, Lane>();
  private readonly wakeUps: TimerScheduler;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: NotificationDeliveryOptions) {
    this.wakeUps = new TimerScheduler(options.clock, (laneId) => {
      const lane = this.lanes.get(laneId);
      if (lane) this.pump(lane);
    });
  }

  get sinkNames(): string[] {
    return this.options.sinks.map((sink) => sink.name);
  }

  /** The record was saved with these notifications: deliver what is new. */
  sync(record: ContactRecord): void {
    if (this.stopped) return;
    for (const sink of this.options.sinks) {
      const entries = (record.agentOutbox ?? []).filter((entry) => entry.sink === sink.name);
      const id = `${record.key}\u0000${sink.name}`;
      let lane = this.lanes.get(id);
      if (!lane) {
        if (entries.length === 0) continue;
        lane = {
          id,
          key: record.key,
          businessNumberId: record.businessNumberId,
          sink,
          pending: [],
          delivered: new Set(),
          state: record.sinkState?.[sink.name],
          stateDirty: false,
          busy: false,
          failures: 0,
          confirming: false,
        };
        this.lanes.set(id, lane);
      }
      lane.pending = entries.filter((entry) => !lane.delivered.has(entry.id));
      this.pump(lane);
    }
  }

  /** A sink's current state for a contact, as delivery knows it (newer than the record for a moment). */
  stateOf(key: string, sink: string): SinkState | undefined {
    return this.lanes.get(`${key}\u0000${sink}`)?.state;
  }

  /** Contacts whose lane for `sink` is active, with their state. */
  activeStates(sink: string): Array<{ key: string; state: SinkState }> {
    return [...this.lanes.values()].filter((lane) => lane.sink.name === sink && lane.state).map((lane) => ({ key: lane.key, state: lane.state! }));
  }

  /** Notifications waiting for a sink (failing or not attempted yet), over every contact. */
  get backlog(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.pending.length;
    return count;
  }

  /** Stops new attempts; the deliveries in flight finish (and are confirmed) first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUps.stop();
    for (const lane of this.lanes.values()) if (!lane.busy) this.releaseHold(lane);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    for (const sink of this.options.sinks) await sink.close?.();
  }

  private pump(lane: Lane): void {
    if (lane.busy || this.stopped) return;
    if (lane.pending.length === 0) {
      this.settle(lane);
      return;
    }
    lane.release ??= this.options.hold();
    lane.busy = true;
    const run = this.deliverPending(lane).finally(() => {
      lane.busy = false;
      this.inFlight.delete(run);
      if (this.stopped) this.releaseHold(lane);
      else if (lane.pending.length === 0) this.settle(lane);
    });
    this.inFlight.add(run);
  }

  private async deliverPending(lane: Lane): Promise<void> {
    const { clock, logger } = this.options;
    while (!this.stopped) {
      const entry = lane.pending[0];
      if (!entry) return;
      try {
        const next = await lane.sink.deliver(entry.notification, { state: lane.state, provider: this.options.providerFor(lane.businessNumberId) });
        if (next !== undefined) {
          lane.state = next ?? undefined;
          lane.stateDirty = true;
        }
      } catch (error) {
        lane.failures++;
        const delay = retryDelay(lane.failures, error, { ...NOTIFICATION_RETRY, ...this.options.retry });
        logger.warn(
          { err: error, contact: lane.key, sink: lane.sink.name, notification: entry.notification.type, attempt: lane.failures, retryInMs: delay, waiting: lane.pending.length },
          'agent notification not delivered yet: retrying later',
        );
        this.wakeUps.set(lane.id, clock.now() + delay);
        return;
      }
      if (lane.failures > 0) logger.info({ contact: lane.key, sink: lane.sink.name, attempts: lane.failures + 1 }, 'agent notification delivered after retries');
      lane.failures = 0;
      lane.delivered.add(entry.id);
      lane.pending = lane.pending.filter((pending) => pending.id !== entry.id);
      this.confirm(lane);
    }
  }

  /** Removes the delivered notifications from the record (and saves the sink's state), in the contact's queue. */
  private confirm(lane: Lane): void {
    if (lane.confirming) return;
    lane.confirming = true;
    this.options.enqueue(lane.key, async () => {
      lane.confirming = false;
      const ids = new Set(lane.delivered);
      const record = await this.options.load(lane.key);
      if (!record) return;
      const before = record.agentOutbox?.length ?? 0;
      record.agentOutbox = record.agentOutbox?.filter((entry) => !(entry.sink === lane.sink.name && ids.has(entry.id)));
      if (record.agentOutbox?.length === 0) delete record.agentOutbox;
      const removed = before !== (record.agentOutbox?.length ?? 0);
      const stateChanged = lane.stateDirty;
      if (stateChanged) {
        const states = { ...record.sinkState };
        if (lane.state) states[lane.sink.name] = lane.state;
        else delete states[lane.sink.name];
        if (Object.keys(states).length > 0) record.sinkState = states;
        else delete record.sinkState;
        lane.stateDirty = false;
      }
      if (removed || stateChanged) {
        record.updatedAt = this.options.clock.now();
        await this.options.save(record);
      }
      for (const id of ids) lane.delivered.delete(id);
      this.settle(lane);
    });
  }

  /** A lane with nothing left to deliver or confirm lets the runtime become idle, and goes. */
  private settle(lane: Lane): void {
    if (lane.busy || lane.pending.length > 0) return;
    if (lane.delivered.size > 0 || lane.confirming) return;
    this.releaseHold(lane);
    this.lanes.delete(lane.id);
  }

  private releaseHold(lane: Lane): void {
    lane.release?.();
    delete lane.release;
  }
}
