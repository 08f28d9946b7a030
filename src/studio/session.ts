import { pino } from 'pino';
import type { FlowRegistry } from '../conversation/flow-registry.ts';
import type { SentReply } from '../conversation/runtime.ts';
import { runStep } from '../conversation/run-step.ts';
import { createTestBot, type TestBot } from '../testing/test-bot.ts';
import type { TestContact } from '../testing/test-contact.ts';
import { stateLabelOf } from '../testing/state-paths.ts';
import { performAction } from '../testing/user-actions.ts';
import { actionText, type StudioInput } from './inputs.ts';
import { loggedError } from './runtime-log-line.ts';
import { quietEntryView, stepEntryView } from './session-log-entries.ts';
import type { BotItem, ContactSpec, Entry, Slot, UserItem } from './session-slots.ts';
import { contactView, logView, timerViews } from './session-views.ts';
import { StepRecorder, type StepRecord } from './step-recorder.ts';
import type { ContactStateView, LogEntryView, TimerView } from './view-types.ts';

export type { ContactSpec } from './session-slots.ts';

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
      if (step.unhandled) created.notice(step.key, 'info', `no transition for ${step.eventType} in state "${stateLabelOf(step.before)}"`);
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
    return [...this.slots.values()].map((slot) => contactView(slot, this.bot.runtime.registry, now));
  }

  timerViews(): TimerView[] {
    return timerViews(this.slots.values(), this.bot.runtime.registry);
  }

  logViews(): LogEntryView[] {
    return this.entries.map(logView);
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
    const view = stepEntryView(step, slot.spec, this.newId(), this.loggedErrors.get(step.contact));
    this.loggedErrors.delete(step.contact);
    this.entries.push({ view, inputIndex: this.applying, replies: [] });
  }

  /** A log entry for an input no machine saw: a status that changed nothing, a wait with no timer due. */
  private addQuietEntry(input: StudioInput, inputIndex: number): void {
    const spec = input.kind === 'advance' ? undefined : this.slots.get(input.contact)?.spec;
    this.entries.push({ inputIndex, replies: [], view: quietEntryView(input, spec, this.newId(), this.bot.clock.now()) });
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
    const logged = loggedError(line);
    if (!logged) return;
    if (logged.contact && logged.errorMessage) this.loggedErrors.set(logged.contact, logged.errorMessage);
    if (logged.contact && this.slots.has(logged.contact)) this.notice(logged.contact, 'error', logged.text);
    else this.options.onGlobalNotice('error', logged.text);
  }
}
