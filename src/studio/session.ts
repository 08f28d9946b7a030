import { pino } from 'pino';
import type { StateValue } from 'xstate';
import type { FlowRegistry } from '../conversation/flow-registry.ts';
import type { SentReply } from '../conversation/runtime.ts';
import { runStep } from '../conversation/run-step.ts';
import { CUSTOMER_SERVICE_WINDOW_MS, isWindowOpen } from '../delivery/window.ts';
import { renderSent } from '../testing/bot-message.ts';
import { stateLabel, activePaths } from '../testing/state-paths.ts';
import { createTestBot, type TestBot } from '../testing/test-bot.ts';
import type { TestContact } from '../testing/test-contact.ts';
import { performAction } from '../testing/user-actions.ts';
import { formatDuration } from '../testing/duration.ts';
import { contextChanges } from './context-diff.ts';
import { graphIndex } from './graph-index.ts';
import { actionText, type StudioInput } from './inputs.ts';
import { StepRecorder, type StepRecord } from './step-recorder.ts';
import type { ChatItem, ContactStateView, LogEntryView, TimerView } from './view-types.ts';

/** Who a simulated user is: their WhatsApp id and name, and the business number they write to. */
export interface ContactSpec {
  key: string;
  waId: string;
  name: string;
  businessNumberId: string;
}

type BotItem = Extract<ChatItem, { kind: 'bot' }>;
type UserItem = Extract<ChatItem, { kind: 'user' }>;

interface Slot {
  spec: ContactSpec;
  contact: TestContact;
  chat: ChatItem[];
  /** The bot's messages by position (what bubble actions and inputs refer to). */
  botItems: BotItem[];
  lastStep?: StepRecord;
}

interface Entry {
  view: LogEntryView;
  inputIndex: number;
  replies: BotItem[];
}

export interface SessionOptions {
  /**
   * Ids of chat items and log entries. The studio shares one counter between the sessions a rewind
   * replaces, so the page never mistakes a new bubble for an old one with the same id.
   */
  nextId: () => number;
  /** Errors the runtime logged that concern no contact. */
  onGlobalNotice: (level: 'warn' | 'error', text: string) => void;
}

/** Where a rewind goes: the input to stop at, and for a time jump, the time to stop at. */
export interface RewindPoint {
  inputIndex: number;
  at: number;
}

const FAILED_STATUS_ERROR = { code: 131026, title: 'Message undeliverable' };

/** pino's JSON line, as far as the studio reads it. */
interface LogLine {
  level: number;
  msg?: string;
  contact?: string;
  err?: { message?: string };
}

/**
 * One simulated world: a TestBot (the production runtime with a recording provider and a fake
 * clock), the contacts talking to it, and what happened, as chat bubbles and as an event log of
 * every step of every machine. Everything the developer does goes through `apply`, which keeps
 * the inputs in a journal: replaying a prefix of it into a fresh session is how a rewind works.
 */
export class Session {
  readonly journal: StudioInput[] = [];
  private readonly slots = new Map<string, Slot>();
  private readonly entries: Entry[] = [];
  /** The last error the runtime logged per contact: why a step without a final snapshot failed. */
  private readonly loggedErrors = new Map<string, string>();
  private applying: number | undefined;

  private constructor(
    readonly bot: TestBot,
    private readonly recorder: StepRecorder,
    private readonly options: SessionOptions,
  ) {}

  private newId(): number {
    return this.options.nextId();
  }

  static async start(registry: FlowRegistry, contacts: readonly ContactSpec[], options: SessionOptions): Promise<Session> {
    let session: Session | undefined;
    let clock: (() => number) | undefined;
    const recorder = new StepRecorder((step) => session?.onStep(step), () => clock?.() ?? 0);
    // Errors the runtime logs (a flow that threw, a reply refused) are shown in the page.
    const logger = pino({ level: 'error' }, { write: (line: string) => session?.onLogLine(line) });
    // 'park': a flow that fails behaves as in production (shown in the page from the log), instead of
    // rejecting the action the way a test wants.
    const bot = await createTestBot({ registry, logger, inspect: recorder.inspect, flowErrors: 'park' });
    clock = () => bot.clock.now();
    const created = new Session(bot, recorder, options);
    session = created;
    bot.runtime.onReply((sent) => created.onReply(sent));
    // A message no transition handles gets silence in WhatsApp: say so where the developer looks.
    bot.runtime.on('step', (step) => {
      if (step.unhandled) created.notice(step.key, 'info', `no transition for ${step.eventType} in state "${stateName(step.before)}"`);
    });
    for (const spec of contacts) created.addContact(spec);
    return created;
  }

  addContact(spec: ContactSpec): void {
    if (this.slots.has(spec.key)) return;
    const contact = this.bot.contact(spec.waId, { name: spec.name, number: spec.businessNumberId });
    this.slots.set(spec.key, { spec, contact, chat: [], botItems: [] });
  }

  /** Performs one input and records it; throws (recording nothing) when it cannot be done. */
  async apply(input: StudioInput): Promise<void> {
    const index = this.journal.length;
    this.applying = index;
    try {
      const recorded = await this.perform(input);
      this.recorder.flush();
      this.journal.push(recorded);
      if (!this.entries.some((e) => e.inputIndex === index)) this.addQuietEntry(recorded, index);
    } finally {
      this.applying = undefined;
    }
  }

  /** Replays `inputs` up to a rewind point: every input before it, and a time jump only up to its time. */
  async replay(inputs: readonly StudioInput[], point: RewindPoint): Promise<void> {
    for (const [index, input] of inputs.entries()) {
      if (index > point.inputIndex) break;
      if (index === point.inputIndex && input.kind === 'advance') {
        await this.apply({ kind: 'advance', ms: Math.max(0, point.at - this.bot.clock.now()) });
      } else {
        await this.apply(input);
      }
    }
  }

  /** Where a log entry stands in the journal. */
  rewindPoint(entryId: number): RewindPoint | undefined {
    const entry = this.entries.find((e) => e.view.id === entryId);
    return entry && { inputIndex: entry.inputIndex, at: entry.view.at };
  }

  get contacts(): ContactSpec[] {
    return [...this.slots.values()].map((s) => s.spec);
  }

  contact(key: string): TestContact {
    return this.slot(key).contact;
  }

  /** Adds a line to a contact's chat (reloads, restarts). */
  notice(key: string, level: 'info' | 'warn' | 'error', text: string): void {
    const slot = this.slots.get(key);
    slot?.chat.push({ kind: 'notice', id: this.newId(), level, text, at: this.bot.clock.now() });
  }

  /**
   * After a reload: each conversation whose saved state still exists in its (new) flow goes on
   * from there; the others start over, saying why.
   */
  async flowsReloaded(changed: ReadonlySet<string>, describe: (flow: string) => string): Promise<void> {
    await this.bot.runtime.idle();
    for (const slot of this.slots.values()) {
      const flow = this.bot.runtime.registry.forNumber(slot.spec.businessNumberId);
      if (!changed.has(flow.name)) continue;
      slot.lastStep = undefined;
      const record = (await this.bot.runtime.inspect(slot.spec.businessNumberId, slot.spec.waId))?.record;
      const where = describe(flow.name);
      if (record?.snapshot === undefined) {
        this.notice(slot.spec.key, 'info', `${where} reloaded.`);
        await slot.contact.refresh();
        continue;
      }
      const fit =
        record.flow !== undefined && record.flow !== flow.name
          ? { ok: false as const, error: new Error(`the number is now served by flow ${flow.name}, not ${record.flow}`) }
          : runStep({
              machine: flow.machine,
              snapshot: record.snapshot,
              timers: [],
              input: { contact: { waId: slot.spec.waId, name: slot.spec.name }, businessNumberId: slot.spec.businessNumberId },
              now: this.bot.clock.now(),
            });
      if (fit.ok) {
        await slot.contact.refresh();
        this.notice(slot.spec.key, 'info', `${where} reloaded: the conversation stays in state ${slot.contact.state ?? '(not started)'}.`);
        continue;
      }
      await this.bot.reset(slot.contact);
      const reason = fit.error instanceof Error ? fit.error.message : String(fit.error);
      this.notice(slot.spec.key, 'warn', `${where} reloaded: the saved state no longer fits the flow (${reason}), so the conversation restarts.`);
    }
  }

  async close(): Promise<void> {
    await this.bot.close();
  }

  // ---- views ----------------------------------------------------------------------------------

  contactViews(): ContactStateView[] {
    const now = this.bot.clock.now();
    return [...this.slots.values()].map((slot) => {
      const { contact, spec } = slot;
      const record = contact.record;
      let flow: string | undefined;
      try {
        flow = this.bot.runtime.registry.forNumber(spec.businessNumberId).name;
      } catch {
        flow = undefined; // no flow serves this number any more (a routing change): the page says so
      }
      const offer = contact.offer();
      for (const item of slot.botItems) {
        item.current = offer !== undefined && contact.messages[item.index] === offer.message;
        const status = contact.statusOf(contact.messages[item.index]);
        if (status !== undefined) item.status = status;
      }
      const read = new Set(contact.readReceipts);
      for (const item of slot.chat) if (item.kind === 'user' && item.messageId) item.read = read.has(item.messageId);
      const lastInbound = record?.lastInboundAt;
      const graph = slot.lastStep ? graphIndex(slot.lastStep.machine) : undefined;
      return {
        key: spec.key,
        waId: spec.waId,
        name: spec.name,
        businessNumberId: spec.businessNumberId,
        ...(flow === undefined ? {} : { flow }),
        ...(contact.state === undefined ? {} : { state: contact.state }),
        activePaths: contact.stateValue === undefined ? [] : activePaths(contact.stateValue),
        lastTransitions: slot.lastStep && graph ? slot.lastStep.transitions.flatMap((t) => graph.byDefinition.get(t)?.key ?? []) : [],
        tags: contact.tags,
        done: contact.done,
        context: contact.context() ?? null,
        ...(lastInbound === undefined ? {} : { windowOpenUntil: lastInbound + CUSTOMER_SERVICE_WINDOW_MS }),
        windowOpen: isWindowOpen(lastInbound, now),
        chat: slot.chat.map((item) => ({ ...item })),
      };
    });
  }

  timerViews(): TimerView[] {
    const timers: TimerView[] = [];
    for (const slot of this.slots.values()) {
      let machine;
      try {
        machine = this.bot.runtime.registry.forNumber(slot.spec.businessNumberId).machine;
      } catch {
        continue;
      }
      const index = graphIndex(machine);
      for (const timer of slot.contact.record?.timers ?? []) {
        const transition = index.byEvent.get(timer.event.type);
        timers.push({
          contact: slot.spec.key,
          contactName: slot.spec.name,
          label: transition?.label ?? timer.event.type,
          ...(transition?.source ? { state: transition.source } : {}),
          fireAt: timer.fireAt,
        });
      }
    }
    return timers.sort((a, b) => a.fireAt - b.fireAt);
  }

  logViews(): LogEntryView[] {
    return this.entries.map((entry) => ({
      ...entry.view,
      replies: entry.replies.map((item) => ({
        text: renderSent({ message: item.message }).join('\n').replace(/^bot: /, ''),
        ...(item.status ? { status: item.status } : {}),
        ...(item.error ? { error: `#${item.error.code} ${item.error.title}` } : {}),
      })),
    }));
  }

  // ---- what happens -----------------------------------------------------------------------------

  private slot(key: string): Slot {
    const slot = this.slots.get(key);
    if (!slot) throw new Error(`no contact ${key}: add the contact first`);
    return slot;
  }

  private async perform(input: StudioInput): Promise<StudioInput> {
    if (input.kind === 'advance') {
      await this.bot.advance(input.ms);
      return input;
    }
    const slot = this.slot(input.contact);
    const contact = slot.contact;
    if (input.kind === 'status') {
      const message = contact.messages[input.target];
      if (!message?.messageId) throw new Error(`bot message ${input.target + 1} was never sent, so it has no status`);
      await contact.reportStatus(input.status, message, input.status === 'failed' ? FAILED_STATUS_ERROR : undefined);
      return input;
    }
    if (input.kind === 'event') {
      await contact.notify(input.event);
      return input;
    }
    if (input.verb === 'react') {
      const target = input.target ?? contact.messages.length - 1;
      const message = contact.messages[target];
      if (!message?.messageId) throw new Error('cannot react: pick a message the bot sent');
      await contact.react(input.argument.trim(), message);
      const item = slot.botItems[target];
      if (item) item.reaction = input.argument.trim() || undefined;
      // A reaction to the newest message is what a transcript can say (`user reacts: 👍`).
      const { target: _dropped, ...toLast } = input;
      return target === contact.messages.length - 1 ? toLast : { ...input, target };
    }
    const item: UserItem = { kind: 'user', id: this.newId(), text: actionText(input.verb, input.argument), verb: input.verb, at: this.bot.clock.now(), read: false };
    slot.chat.push(item);
    try {
      await performAction(contact, input.verb, input.argument);
    } catch (error) {
      // Refused before it reached the bot (nothing to tap, an unreadable argument): no bubble.
      if (slot.chat.at(-1) === item) slot.chat.pop();
      throw error;
    }
    const messageId = contact.sentMessageIds.at(-1);
    if (messageId) item.messageId = messageId;
    return input;
  }

  private onStep(step: StepRecord): void {
    const slot = this.slots.get(step.contact);
    if (!slot || this.applying === undefined) return;
    slot.lastStep = step;
    const index = graphIndex(step.machine);
    const thrown = step.error ?? (step.after === undefined ? (this.loggedErrors.get(step.contact) ?? 'the step failed') : undefined);
    const error = thrown === undefined ? undefined : thrown instanceof Error ? thrown.message : String(thrown);
    this.loggedErrors.delete(step.contact);
    const view: LogEntryView = {
      id: this.newId(),
      contact: slot.spec.key,
      contactName: slot.spec.name,
      at: step.at,
      title: this.stepTitle(step, index.byEvent.get(step.event.type)?.label),
      event: step.event.type,
      ...(step.before === undefined ? {} : { before: stateLabel(step.before) }),
      ...(step.after === undefined || error ? {} : { after: stateLabel(step.after as StateValue) }),
      transitions: step.transitions.flatMap((t) => index.byDefinition.get(t)?.key ?? []),
      contextChanges: error ? [] : contextChanges(step.beforeContext, step.afterContext),
      replies: [],
      ...(error ? { error } : {}),
    };
    this.entries.push({ view, inputIndex: this.applying, replies: [] });
  }

  private stepTitle(step: StepRecord, timerLabel: string | undefined): string {
    const event = step.event as { type: string } & Record<string, unknown>;
    if (timerLabel) return timerLabel;
    switch (event.type) {
      case 'user.text':
        return `user.text "${String(event.text)}"`;
      case 'user.button':
      case 'user.list':
        return `${event.type} "${String(event.title)}"`;
      case 'user.flow':
        return `user.flow ${JSON.stringify(event.response)}`;
      case 'user.reaction':
        return `user.reaction ${String(event.emoji) || '(removed)'}`;
      case 'user.media':
        return `user.media ${String(event.kind)}`;
      case 'bot.failed':
        return `bot.failed #${String(event.code)} ${String(event.title)}`;
      default:
        return event.type;
    }
  }

  /** A log entry for an input no machine saw: a status that changed nothing, a wait with no timer due. */
  private addQuietEntry(input: StudioInput, inputIndex: number): void {
    const spec = input.kind === 'advance' ? undefined : this.slots.get(input.contact)?.spec;
    const title =
      input.kind === 'advance'
        ? `wait ${formatDuration(input.ms)} (no timer due)`
        : input.kind === 'status'
          ? `status ${input.status} of bot message ${input.target + 1}`
          : input.kind === 'event'
            ? `event ${input.event.type}`
            : `user ${input.verb}`;
    this.entries.push({
      inputIndex,
      replies: [],
      view: {
        id: this.newId(),
        ...(spec ? { contact: spec.key, contactName: spec.name } : {}),
        at: this.bot.clock.now(),
        title,
        transitions: [],
        contextChanges: [],
        replies: [],
      },
    });
  }

  private onReply(sent: SentReply): void {
    const slot = this.slots.get(sent.key);
    if (!slot) return;
    const index = slot.contact.messages.length - 1;
    const item: BotItem = {
      kind: 'bot',
      id: this.newId(),
      index,
      message: sent.message,
      at: this.bot.clock.now(),
      current: false,
      ...(sent.messageId === undefined ? {} : { messageId: sent.messageId }),
      ...(sent.error ? { error: { code: sent.error.code, title: sent.error.title } } : {}),
    };
    slot.botItems[index] = item;
    [...this.entries].reverse().find((e) => e.view.contact === sent.key)?.replies.push(item);
    // The bot's reaction shows on the message it reacts to, as in WhatsApp.
    if (sent.message.type === 'reaction' && !sent.error) {
      const reaction = sent.message.reaction;
      const target = slot.chat.find((c): c is UserItem => c.kind === 'user' && c.messageId === reaction.message_id);
      if (target) {
        target.reaction = reaction.emoji || undefined;
        return;
      }
    }
    slot.chat.push(item);
  }

  private onLogLine(line: string): void {
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    // The runtime logs a parked message twice (the error, then where to retry it in production).
    if (parsed.level < 50 || parsed.msg?.startsWith('message parked')) return;
    const text = `${parsed.msg ?? 'error'}${parsed.err?.message ? `: ${parsed.err.message}` : ''}`;
    if (parsed.contact && parsed.err?.message) this.loggedErrors.set(parsed.contact, parsed.err.message);
    if (parsed.contact && this.slots.has(parsed.contact)) this.notice(parsed.contact, 'error', text);
    else this.options.onGlobalNotice('error', text);
  }
}

/** A state value as the page names it (`menu`, `ticket.form`). */
function stateName(value: unknown): string {
  if (value === undefined) return '(not started)';
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => `${key}.${stateName(child)}`)
    .join(', ');
}
