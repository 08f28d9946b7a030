import { randomUUID } from 'node:crypto';
import type { EventObject } from 'xstate';
import type { StepObserver } from '../conversation/contact-step.ts';
import type { Flow } from '../conversation/define-flow.ts';
import { stateLabel } from '../conversation/state-paths.ts';
import { isWindowOpen, needsOpenWindow, WINDOW_CLOSED_CODE } from '../delivery/window.ts';
import type { AgentMessageEvent, AgentResolvedEvent } from '../messages/inbound-events.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { contactKey, handoverMark, type ContactRecord, type OutboxEntry } from '../store/contact-record.ts';
import { HANDOVER_TAG, type SinkState } from './handover-record.ts';
import { NotInHandoverError, type AgentMessageResult, type HandoversDeps, type HandoverSummary } from './handover-types.ts';
import { NotificationDelivery } from './notification-delivery.ts';
import { deliverInTurn } from './lease-bound-delivery.ts';
import { logAgentAction, trackHandover } from './track-handover.ts';

const stateOf = (record: ContactRecord | undefined): string | undefined => {
  const value = (record?.snapshot as { value?: Parameters<typeof stateLabel>[0] } | undefined)?.value;
  return value === undefined ? undefined : stateLabel(value);
};

/**
 * Hand-overs to people: a state tagged `handover` belongs to agents. This part of the runtime
 * follows every step (`beforeSave`/`afterSave`: hand-over start and end, notifications for agent
 * tools saved with the state), lets agents write and resolve through the contact's queue
 * (`message`, `resolve`), lists hand-overs, and delivers the notifications to the sinks.
 */
export class Handovers implements StepObserver {
  private readonly sinkNames: string[];
  private readonly delivery: NotificationDelivery;

  /** @internal The runtime builds it (`runtime.handovers`). */
  constructor(private readonly deps: HandoversDeps) {
    const sinks = deps.options?.sinks ?? [];
    const names = sinks.map((sink) => sink.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate !== undefined) throw new Error(`two hand-over sinks are named "${duplicate}": sink names must be unique`);
    this.sinkNames = names;
    this.delivery = new NotificationDelivery({
      clock: deps.clock,
      logger: deps.logger,
      sinks,
      providerFor: deps.providerFor,
      enqueue: deps.enqueue,
      load: (key) => deps.jobs().loadExisting(key),
      save: (record) => deps.store.save(record),
      hold: deps.hold,
      ...(deps.options?.retry ? { retry: deps.options.retry } : {}),
    });
  }

  /** @internal After the machine ran, before the save: hand-over start/end and notifications. */
  beforeSave(record: ContactRecord, step: { flow: Flow; event: EventObject; now: number; tags: readonly string[] | undefined }): void {
    if (record.handover === undefined && !step.tags?.includes(HANDOVER_TAG)) return; // the common case: nothing to do
    const { notifications, dropped } = trackHandover(record, step, this.sinkNames);
    if (dropped > 0) {
      this.deps.logger.error({ contact: record.key, dropped }, 'agent tools unreachable for long: oldest hand-over notifications of this contact dropped');
    }
    for (const notification of notifications) {
      if (notification.type !== 'handover.message') this.deps.logger.info({ contact: record.key, type: notification.type, state: stateOf(record) }, notification.type);
      this.deps.events.emit('handover', { key: record.key, notification });
    }
  }

  /** @internal After the save: deliver the new notifications. */
  afterSave(record: ContactRecord): void {
    if (record.agentOutbox?.length && !this.deps.inTurn) this.delivery.sync(record);
  }

  /** @internal In the contact's turn (several instances on Redis): deliver its notifications that are due. */
  async deliverDue(key: string): Promise<void> {
    const record = await this.deps.jobs().loadExisting(key);
    if (!record?.agentOutbox?.length) return;
    await deliverInTurn(record, {
      clock: this.deps.clock,
      logger: this.deps.logger,
      sinks: this.deps.options?.sinks ?? [],
      providerFor: this.deps.providerFor,
      save: (changed) => this.deps.store.save(changed),
      ...(this.deps.options?.retry ? { retry: this.deps.options.retry } : {}),
    });
  }

  /** @internal Whether to mark the user's messages read now (a flow may turn it off during hand-overs). */
  marksRead(record: ContactRecord): boolean {
    if (!record.handover) return true;
    return this.deps.registry.forNumber(record.businessNumberId).handover?.markRead !== false;
  }

  /** @internal Resumes the deliveries left by the last run (several instances: the due contacts do). */
  async start(): Promise<void> {
    if (this.deps.inTurn) return;
    let resumed = 0;
    for (const key of await this.keys()) {
      const record = await this.deps.jobs().loadExisting(key);
      if (!record?.agentOutbox?.length) continue;
      const orphans = record.agentOutbox.filter((entry) => !this.sinkNames.includes(entry.sink));
      if (orphans.length > 0) this.dropOrphans(key, orphans.map((entry) => entry.sink));
      resumed += record.agentOutbox.length - orphans.length;
      this.delivery.sync(record);
    }
    if (resumed > 0) this.deps.logger.info({ notifications: resumed }, 'delivering hand-over notifications left by the last run');
  }

  /** Notifications for a sink no longer configured would wait for ever: drop them, loudly. */
  private dropOrphans(key: string, sinks: string[]): void {
    const gone = new Set(sinks);
    this.deps.logger.warn({ contact: key, sinks: [...gone], notifications: sinks.length }, 'hand-over notifications for agent tools no longer configured dropped');
    this.deps.enqueue(key, async () => {
      const record = await this.deps.jobs().loadExisting(key);
      if (!record?.agentOutbox) return;
      record.agentOutbox = record.agentOutbox.filter((entry) => !gone.has(entry.sink));
      if (record.agentOutbox.length === 0) delete record.agentOutbox;
      await this.deps.store.save(record);
    });
  }

  /** @internal Stops new delivery attempts (the ones in flight finish); undelivered notifications stay on the records. */
  stop(): Promise<void> {
    return this.delivery.stop();
  }

  /** Hand-over notifications not delivered yet (an agent tool down shows here). */
  get backlog(): number {
    return this.delivery.backlog;
  }

  /** Every conversation in a hand-over, longest waiting first. */
  async list(): Promise<HandoverSummary[]> {
    const records = await Promise.all((await this.keys()).map((key) => this.deps.store.load(key)));
    return records
      .flatMap((record): HandoverSummary[] => {
        const h = record?.handover;
        if (!record || !h) return [];
        return [{ businessNumberId: record.businessNumberId, waId: record.waId, ...(h.name ? { name: h.name } : {}), since: h.since, state: h.state, lastMessageAt: h.lastMessageAt, agents: [...h.agents] }];
      })
      .sort((a, b) => a.since - b.since || a.waId.localeCompare(b.waId));
  }

  /**
   * An agent writes to the user: through the contact's queue, the messages go to the outbox first
   * (the 24-hour window checked here: a free-form message after 24 hours is refused, templates
   * pass), then the machine gets `agent.message`, then the outbox is delivered (limiter, retries)
   * like any reply. Throws NotInHandoverError when the contact is not in a hand-over.
   */
  message(businessNumberId: string, waId: string, agent: string, messages: readonly OutboundMessage[]): Promise<AgentMessageResult[]> {
    const key = contactKey(businessNumberId, waId);
    return this.deps.run(key, async () => {
      const { clock, store } = this.deps;
      const jobs = this.deps.jobs();
      const record = await jobs.loadExisting(key);
      if (!record?.handover) throw new NotInHandoverError(businessNumberId, waId, stateOf(record));
      const now = clock.now();
      const open = isWindowOpen(record.lastInboundAt, now);
      const results: Array<AgentMessageResult | OutboxEntry> = [];
      const entries: OutboxEntry[] = [];
      for (const message of messages) {
        if (needsOpenWindow(message) && !open) {
          results.push({ type: message.type, error: { code: WINDOW_CLOSED_CODE, title: windowClosedTitle(record.lastInboundAt) } });
          continue;
        }
        const entry: OutboxEntry = { id: randomUUID(), message, decidedAt: now, agent };
        entries.push(entry);
        results.push(entry);
      }
      logAgentAction(record, { kind: 'message', agent, at: now, messages: entries.length, ...(entries.length < messages.length ? { refused: messages.length - entries.length } : {}), types: entries.map((e) => e.message.type) });
      if (entries.length === 0) {
        record.updatedAt = now;
        await store.save(record);
        return results as AgentMessageResult[];
      }
      // Before the machine runs: the agent's words go out ahead of whatever the flow says in reaction.
      record.outbox = [...(record.outbox ?? []), ...entries];
      const event: AgentMessageEvent = { type: 'agent.message', agent, messages: entries.map((e) => e.message), contact: { waId }, businessNumberId, timestamp: now };
      await this.deps.step().run(record, event, { waId }, now);
      const outcomes = new Map((await jobs.deliverAndReport(record, entries.map((e) => e.id))).map((o) => [o.entryId, o.sent]));
      return results.map((result): AgentMessageResult => {
        if (!('id' in result)) return result;
        const sent = outcomes.get(result.id);
        if (sent?.messageId !== undefined) return { type: result.message.type, messageId: sent.messageId };
        if (sent?.error) return { type: result.message.type, error: { code: sent.error.code, title: sent.error.title }, ...(sent.willRetry ? { willRetry: true } : {}) };
        return { type: result.message.type, queued: true };
      });
    });
  }

  /**
   * An agent hands the conversation back: the machine gets `agent.resolved` (through the contact's
   * queue) and its replies are delivered. Resolves with whether the machine left the hand-over
   * (a flow that does not handle `agent.resolved` stays in it).
   */
  resolve(businessNumberId: string, waId: string, agent: string): Promise<{ ended: boolean; state?: string }> {
    const key = contactKey(businessNumberId, waId);
    return this.deps.run(key, async () => {
      const jobs = this.deps.jobs();
      const record = await jobs.loadExisting(key);
      if (!record?.handover) throw new NotInHandoverError(businessNumberId, waId, stateOf(record));
      const now = this.deps.clock.now();
      logAgentAction(record, { kind: 'resolve', agent, at: now });
      const event: AgentResolvedEvent = { type: 'agent.resolved', agent, contact: { waId }, businessNumberId, timestamp: now };
      const after = await this.deps.step().run(record, event, { waId }, now);
      await jobs.deliverAndReport(after, []);
      const state = stateOf(after);
      if (after.handover) this.deps.logger.warn({ contact: key, state }, 'agent.resolved left the conversation in its hand-over: handle agent.resolved in the flow');
      return { ended: after.handover === undefined, ...(state === undefined ? {} : { state }) };
    });
  }

  /**
   * The contact whose state in `sink` matches (the Chatwoot connector finds a conversation's
   * contact so), among hand-overs and contacts whose notifications are being delivered.
   */
  async contactFor(sink: string, matches: (state: SinkState) => boolean): Promise<{ businessNumberId: string; waId: string } | undefined> {
    for (const { key, state } of this.delivery.activeStates(sink)) {
      if (!matches(state)) continue;
      const record = await this.deps.store.load(key);
      if (record) return { businessNumberId: record.businessNumberId, waId: record.waId };
    }
    for (const key of await this.keys()) {
      const record = await this.deps.store.load(key);
      const state = record && (this.delivery.stateOf(key, sink) ?? record.sinkState?.[sink]);
      if (record && state && matches(state)) return { businessNumberId: record.businessNumberId, waId: record.waId };
    }
    return undefined;
  }

  /** Contacts in a hand-over or with notifications pending (the store's index, or every record). */
  private async keys(): Promise<string[]> {
    const { store } = this.deps;
    if (store.handoverContacts) return store.handoverContacts();
    const keys: string[] = [];
    for (const key of await store.keys()) {
      const record = await store.load(key);
      if (record && handoverMark(record) !== undefined) keys.push(key);
    }
    return keys;
  }
}

function windowClosedTitle(lastInboundAt: number | undefined): string {
  const since = lastInboundAt === undefined ? 'the user has never written' : `the user last wrote at ${new Date(lastInboundAt).toISOString()}`;
  return `the 24-hour customer service window is closed (${since}): WhatsApp delivers only templates now; send a template message ({ "type": "template", "template": { "name": …, "language": { "code": … } } })`;
}
