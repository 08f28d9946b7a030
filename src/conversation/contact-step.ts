import type { Span } from '@opentelemetry/api';
import type { EventObject, InspectionEvent } from 'xstate';
import type { Contact } from '../messages/inbound-events.ts';
import type { Logger } from '../logger.ts';
import { withWindowInfo } from '../delivery/window-guard.ts';
import { addToOutbox } from '../durability/outbox.ts';
import { nextFireAt, type ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { ContactHistory } from '../observability/contact-history.ts';
import { describeStepSpan, endStepSpan, startStepSpan, withSpan } from '../observability/tracing.ts';
import { runStepAwaitingServices } from './awaited-step.ts';
import type { Flow } from './define-flow.ts';
import type { FlowRegistry } from './flow-registry.ts';
import type { StepInput, StepResult } from './run-step.ts';
import type { RuntimeEvents } from './runtime-events.ts';
import type { ConversationMigrator } from './conversation-migrator.ts';
import type { FlowAnswer } from './screen.ts';

export interface ContactStepOptions {
  registry: FlowRegistry;
  /** Brings records written with an older flow version up to date (versioned flows). */
  migrations: ConversationMigrator;
  store: SessionStore;
  logger: Logger;
  events: RuntimeEvents;
  /** Observes every actor step (xstate inspection events). */
  inspect: ((event: InspectionEvent) => void) | undefined;
  limits: { microstepBudget?: number; serviceTimeoutMs?: number };
  /** Arms (or clears, with undefined) the contact's next timer wake-up. */
  armTimer: (key: string, at: number | undefined) => void;
  /** The contact's bounded history, written into the record before the step's save. */
  history?: ContactHistory;
  observer?: StepObserver;
}

/**
 * Watches every step around its one save (the hand-over module, src/handover: it records
 * hand-overs and the notifications for agents in the same save as the state).
 */
export interface StepObserver {
  /**
   * After the machine ran, before the save: may change the record (timers, hand-over fields).
   * `tags` are the tags of the state after the step; undefined when the flow failed (the state did
   * not change).
   */
  beforeSave(record: ContactRecord, step: { flow: Flow; event: EventObject; now: number; tags: readonly string[] | undefined }): void;
  /** After the save. */
  afterSave(record: ContactRecord): void;
}

/** Called when the flow failed on the event, before the record is saved (the runtime parks the message). */
export type StepFailureHandler = (error: unknown, flow: string) => Promise<void>;

/**
 * The contact step: runs the contact's machine on one event, then saves the new snapshot, timers
 * and the replies it decided (its outbox) in one save, and arms the next timer. It never sends: the
 * outbox delivery does, after the save, so a crash in between cannot lose a decided reply.
 *
 * A flow that fails (throws, loops past its budget, a service times out) leaves the last good
 * snapshot in place; the event still counts as handled (the caller parks it).
 */
export class ContactStep {
  constructor(private readonly options: ContactStepOptions) {}

  async run(record: ContactRecord, received: EventObject, contact: Contact, now: number, onFailure?: StepFailureHandler): Promise<ContactRecord> {
    const span = startStepSpan(record.key, received.type);
    try {
      return await this.runInSpan(span, record, received, contact, now, onFailure);
    } catch (error) {
      // The store (or parking) failed: the caller handles it; the span still ends, as failed.
      endStepSpan(span, { after: stateOf(record), replies: 0, restarted: false, error });
      throw error;
    }
  }

  private async runInSpan(span: Span, record: ContactRecord, received: EventObject, contact: Contact, now: number, onFailure?: StepFailureHandler): Promise<ContactRecord> {
    const { registry, store, logger, history } = this.options;
    const started = performance.now();
    const flow = registry.forNumber(record.businessNumberId);
    if (record.flow !== undefined && record.flow !== flow.name) {
      logger.info({ contact: record.key, from: record.flow, to: flow.name }, 'number now routed to another flow: conversation restarts');
      delete record.snapshot;
      record.timers = [];
    }
    // A record of an older flow version is migrated first (a due timer of a moved state moves with it).
    const event = this.options.migrations.upgrade(record, flow, received, logger);
    const before = stateOf(record);
    describeStepSpan(span, flow.name, before);
    const input: StepInput = { machine: flow.machine, snapshot: record.snapshot, timers: record.timers, event, input: { contact, businessNumberId: record.businessNumberId }, now };
    let result = await withSpan(span, () => this.runMachine(record, input));
    let restarted = false;
    if (!result.ok && result.phase === 'restore' && record.snapshot !== undefined) {
      // The flow changed so much that the saved state no longer exists in it: start over, loudly.
      logger.error({ err: result.error, contact: record.key, flow: flow.name }, 'saved state cannot be restored into the flow; starting the conversation over');
      this.options.migrations.restarted(flow.name);
      restarted = true;
      result = await withSpan(span, () => this.runMachine(record, { ...input, snapshot: undefined, timers: [] }));
    }
    const report = (error?: unknown, replies = 0, unhandled = false) => {
      endStepSpan(span, { after: stateOf(record), replies, restarted, ...(error === undefined ? {} : { error }) });
      this.report(record, flow, event, { before, replies, started, restarted, unhandled, ...(error === undefined ? {} : { error }), ...(result.ok && result.screens ? { screens: result.screens } : {}) });
    };
    if (!result.ok) {
      logger.error({ err: result.error, contact: record.key, flow: flow.name, event: event.type }, 'flow threw: contact keeps its last good state');
      // Parked before the record (which marks the message handled) is saved: a crash in between
      // re-runs the message rather than losing it.
      await onFailure?.(result.error, flow.name);
      record.updatedAt = now;
      this.options.observer?.beforeSave(record, { flow, event, now, tags: undefined });
      history?.recordStep(record, now, { event, before, after: stateOf(record), replies: [], error: result.error, restarted });
      await store.save(record);
      this.options.observer?.afterSave(record);
      this.options.armTimer(record.key, nextFireAt(record));
      report(result.error);
      return record;
    }
    record.flow = flow.name;
    if (result.snapshot === undefined) delete record.snapshot;
    else record.snapshot = result.snapshot;
    record.timers = result.timers;
    record.updatedAt = now;
    const queuedBefore = record.outbox?.length ?? 0;
    addToOutbox(record, result.replies, now, event.type === 'bot.failed');
    this.options.observer?.beforeSave(record, { flow, event, now, tags: result.tags });
    // Written into the record before its one save: the history costs no write of its own.
    history?.recordStep(record, now, { event, before, after: stateOf(record), replies: record.outbox?.slice(queuedBefore) ?? [], restarted });
    await store.save(record);
    this.options.observer?.afterSave(record);
    this.options.armTimer(record.key, nextFireAt(record));
    if (result.unhandled) {
      // Not an error (a flow may ignore what it does not expect), but the first thing to look for
      // when a bot "says nothing": visible with LOG_LEVEL=debug.
      // A new or restarted conversation received it in its initial state, which is also where it stayed.
      const state = restarted || before === undefined ? (record.snapshot as { value?: unknown } | undefined)?.value : before;
      logger.debug({ contact: record.key, flow: flow.name, event: event.type }, `no transition for ${event.type} in state ${describeState(state)}`);
    }
    report(undefined, result.replies.length, result.unhandled === true);
    return record;
  }

  private runMachine(record: ContactRecord, input: StepInput): Promise<StepResult> {
    const { inspect: observer, limits } = this.options;
    const window = { lastInboundAt: record.lastInboundAt, now: input.now };
    return withWindowInfo(window, (windowInspect) => {
      const inspect = observer ? (e: InspectionEvent) => (windowInspect(e), observer(e)) : windowInspect;
      return runStepAwaitingServices({ ...input, inspect, ...limits }, limits.serviceTimeoutMs);
    });
  }

  private report(
    record: ContactRecord,
    flow: Flow,
    event: EventObject,
    outcome: { before: unknown; replies: number; started: number; restarted: boolean; unhandled: boolean; error?: unknown; screens?: FlowAnswer[] },
  ): void {
    const { events } = this.options;
    if (!events.has('step')) return;
    const messageId = (event as { messageId?: unknown }).messageId;
    events.emit('step', {
      key: record.key,
      flow: flow.name,
      event,
      eventType: event.type,
      ...(typeof messageId === 'string' && event.type.startsWith('user.') ? { messageId } : {}),
      before: outcome.before,
      after: stateOf(record),
      replies: outcome.replies,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.restarted ? { restarted: true } : {}),
      ...(outcome.unhandled ? { unhandled: true } : {}),
      ...(outcome.screens ? { screens: outcome.screens } : {}),
      durationMs: performance.now() - outcome.started,
    });
  }
}

/** The machine's state value as saved in the record (undefined: not started, or final). */
function stateOf(record: ContactRecord): unknown {
  return (record.snapshot as { value?: unknown } | undefined)?.value;
}

/** A state value as a log line shows it: `"choosing"`, `{"ticket":"form"}`, or `(not started)`. */
function describeState(value: unknown): string {
  return value === undefined ? '(not started)' : JSON.stringify(value);
}
