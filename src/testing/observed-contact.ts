import type { StateValue } from 'xstate';
import type { SentReply } from '../conversation/runtime.ts';
import type { DeliveryStatus } from '../messages/status-update.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import { describeExpectation, matchesReply, toBotMessage, type BotMessage, type ReplyExpectation } from './bot-message.ts';
import type { ContactDriver } from './contact-driver.ts';
import { ConversationAssertionError, indent, renderLog, type LogEntry } from './conversation-log.ts';
import { lastOffer, type Offer } from './offer.ts';
import { activePaths, stateLabel } from './state-paths.ts';

interface StateView {
  value: StateValue;
  context: unknown;
  tags: string[];
  done: boolean;
}

/**
 * @internal What a simulated user sees of the conversation (the bot's messages, the machine's
 * state, the persisted record) and the assertions over it; TestContact (test-contact.ts) adds what
 * the user does. TestBot keeps it current through the `record…` methods and `refresh`.
 */
export class ObservedContact {
  /** @internal The conversation as the transcript shows it. */
  protected readonly log: LogEntry[] = [];
  /** @internal The bot's messages to this user. */
  protected readonly sent: BotMessage[] = [];
  /** @internal Ids of this user's messages. */
  protected readonly inbound: string[] = [];
  private turnStart = 0;
  private lastAction = '(start)';
  private view: StateView | undefined;
  private stored: ContactRecord | undefined;
  private missingState: string | undefined;

  /** @internal Made by `bot.contact(...)`. */
  constructor(
    /** @internal */
    protected readonly driver: ContactDriver,
    readonly waId: string,
    readonly businessNumberId: string,
    readonly name?: string,
  ) {}

  // ---- what the bot did ----------------------------------------------------------------------

  /** Every message the bot sent to this user, in order. */
  get messages(): readonly BotMessage[] {
    return this.sent;
  }

  /**
   * Messages the bot sent since the user's last action (or the last time jump or agent action).
   * An agent's own messages are not replies: they are the agent's action (they are in `messages`).
   */
  get replies(): readonly BotMessage[] {
    return this.sent.slice(this.turnStart).filter((message) => message.agent === undefined);
  }

  /** The bot's most recent message to this user, if any. */
  get lastMessage(): BotMessage | undefined {
    return this.sent.at(-1);
  }

  /** The whole conversation in transcript form (`user: …`, `bot: …`, `wait: …`). */
  get transcript(): string {
    return renderLog(this.log);
  }

  /** Ids of this user's messages the bot marked read (blue ticks), in order. */
  get readReceipts(): string[] {
    const read = new Set(this.driver.readIds());
    return this.inbound.filter((id) => read.has(id));
  }

  /** Ids of the messages this user sent, in order. */
  get sentMessageIds(): readonly string[] {
    return this.inbound;
  }

  /** Delivery status the runtime stored for a bot message (accepted → sent → delivered → read). */
  statusOf(message: BotMessage | undefined = this.lastMessage): DeliveryStatus | undefined {
    return message?.messageId === undefined ? undefined : this.stored?.outbound[message.messageId]?.status;
  }

  /** The persisted record of this contact (snapshot, timers, statuses), as of the last action. */
  get record(): ContactRecord | undefined {
    return this.stored;
  }

  /**
   * The saved state, when it no longer exists in the flow (the flow changed since the conversation
   * was saved). As in production, the contact's next event starts the conversation over.
   */
  get savedStateMissing(): string | undefined {
    return this.missingState;
  }

  /** Current state as a path (`menu`, `ticket.form`); undefined before the first message. */
  get state(): string | undefined {
    return this.view ? stateLabel(this.view.value) : undefined;
  }

  /** The machine's state value as xstate gives it (an object for nested and parallel states). */
  get stateValue(): StateValue | undefined {
    return this.view?.value;
  }

  /** Whether the machine is in `path` (a parent state matches too). */
  matches(path: string): boolean {
    return this.view ? activePaths(this.view.value).includes(path) : false;
  }

  /** The tags of the current state. */
  get tags(): string[] {
    return this.view?.tags ?? [];
  }

  /** Whether the conversation's current state carries this tag (`tags: ['handover']` in the flow). */
  hasTag(tag: string): boolean {
    return this.tags.includes(tag);
  }

  /** The machine's context (what was persisted). */
  context<T = Record<string, unknown>>(): T {
    return this.view?.context as T;
  }

  /** True when the machine reached a final state (the next message starts over). */
  get done(): boolean {
    return this.view?.done ?? false;
  }

  /** The reply buttons, list rows or form the bot's last interactive message offered. */
  offer(): Offer | undefined {
    return lastOffer(this.sent);
  }

  // ---- assertions ----------------------------------------------------------------------------

  /**
   * Asserts what the bot answered to the last action, in order and completely: each expectation is
   * the main text or the whole rendering (string), a RegExp over the rendering, or a subset of the
   * message object. Fails with the expected and actual replies and the whole conversation.
   */
  expectReplies(...expected: ReplyExpectation[]): void {
    const actual = this.replies;
    const ok = actual.length === expected.length && expected.every((e, i) => matchesReply(e, actual[i] as BotMessage));
    if (ok) return;
    const wanted = expected.length ? expected.map((e, i) => `  ${i + 1}. ${describeExpectation(e)}`).join('\n') : '  (no reply)';
    const got = actual.length ? actual.map((m, i) => `  ${i + 1}. ${indent(m.rendered, '     ').trimStart()}`).join('\n') : '  (no reply)';
    this.fail(`after "${this.lastAction}" the bot was expected to send:\n${wanted}\nbut it sent:\n${got}`);
  }

  /** Asserts that the machine is in `path` (nested states: `ticket.form`; a parent matches too). */
  expectState(path: string): void {
    if (!this.matches(path)) this.fail(`expected the conversation to be in state "${path}" but it is in "${this.state ?? '(not started)'}"`);
  }

  /** Throws a ConversationAssertionError carrying this conversation's transcript. */
  fail(message: string): never {
    throw new ConversationAssertionError(message, this.transcript);
  }

  // ---- used by TestBot -----------------------------------------------------------------------

  /** @internal The runtime sent (or failed to send) a message to this contact. */
  recordReply(sent: SentReply): void {
    const message = toBotMessage(sent);
    this.sent.push(message);
    // An agent's message is already in the log as the agent's action line.
    if (message.agent === undefined) this.log.push({ kind: 'bot', message });
  }

  /** @internal An agent acted on this conversation (`agent Sam: Hi`, `agent Sam resolves`). */
  recordAgentAction(line: string): void {
    this.startTurn(line);
    this.log.push({ kind: 'agent', line });
  }

  /** @internal Time jumped: timers' messages count as the next replies. */
  recordWait(line: string): void {
    this.startTurn(line);
    this.log.push({ kind: 'wait', line });
  }

  /** @internal Re-reads the persisted record and the machine state. */
  async refresh(): Promise<void> {
    this.stored = await this.driver.load(this);
    this.missingState = undefined;
    const snapshot = this.stored?.snapshot as { value?: StateValue; context?: unknown } | undefined;
    if (snapshot?.value !== undefined) {
      const machine = this.driver.machineFor(this.businessNumberId);
      try {
        const resolved = machine.resolveState({ value: snapshot.value, context: snapshot.context as never });
        this.view = { value: resolved.value, context: resolved.context, tags: [...resolved.tags].sort(), done: false };
      } catch {
        // Saved by an earlier version of the flow; the runtime restarts it at the next event.
        this.missingState = stateLabel(snapshot.value);
        this.view = undefined;
      }
      return;
    }
    const last = this.driver.lastSnapshot(this);
    this.view = last ? { value: last.value, context: last.context, tags: [...last.tags].sort(), done: last.status === 'done' } : undefined;
  }

  /** @internal The user (or an agent, or time) acted: what the bot sends from now on are the replies to `line`. */
  protected startTurn(line: string): void {
    this.turnStart = this.sent.length;
    this.lastAction = line;
  }
}
