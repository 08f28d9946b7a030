import { randomUUID } from 'node:crypto';
import type { AnyStateMachine, EventObject, StateValue } from 'xstate';
import type { ExchangeOutcome } from '../flows-endpoint/flow-exchange.ts';
import { flowTokenTag } from '../flows-endpoint/flow-token.ts';
import type { FlowExchangeEvent } from '../messages/inbound-events.ts';
import type { SentReply } from '../conversation/runtime.ts';
import type { DeliveryStatus } from '../messages/status-update.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import { describeExpectation, matchesReply, toBotMessage, type BotMessage, type ReplyExpectation } from './bot-message.ts';
import { ConversationAssertionError, indent, renderLog, type LogEntry } from './conversation-log.ts';
import { describeOffer, findChoice, lastOffer, type Offer } from './offer.ts';
import type { Choice } from './render-message.ts';
import {
  buttonBody,
  contactsBody,
  flowBody,
  listBody,
  locationBody,
  mediaBody,
  orderBody,
  reactionBody,
  textBody,
  welcomeBody,
  type ContactCard,
  type LocationShare,
  type MediaKindSent,
  type MediaShare,
  type MessageBody,
  type OrderLine,
} from './simulated-messages.ts';
import { activePaths, stateLabel } from './state-paths.ts';

/** What a TestContact needs from its TestBot (kept narrow so the contact is easy to read). */
export interface ContactDriver {
  /** Sends one user message through the production parser and runtime; resolves when all work settled. */
  sendMessage(contact: TestContact, body: MessageBody, replyTo?: string): Promise<string>;
  /** Delivers a status webhook for one of the bot's messages; resolves when settled. */
  sendStatus(contact: TestContact, messageId: string, status: 'sent' | 'delivered' | 'read' | 'failed', error?: { code: number; title: string }): Promise<void>;
  /** Delivers a proactive event to the contact's machine (`runtime.notify`); resolves when settled. */
  notify(contact: TestContact, event: EventObject): Promise<void>;
  /** A WhatsApp Flow's data-endpoint request, as the endpoint delivers it (no encryption); resolves when settled. */
  exchange(contact: TestContact, event: FlowExchangeEvent): Promise<ExchangeOutcome>;
  load(contact: TestContact): Promise<ContactRecord | undefined>;
  machineFor(businessNumberId: string): AnyStateMachine;
  /** The last root snapshot xstate showed for this contact (the store drops it at a final state). */
  lastSnapshot(contact: TestContact): { value: StateValue; context: unknown; status: string; tags: Set<string> } | undefined;
  /** Message ids the runtime marked read. */
  readIds(): readonly string[];
  /**
   * Runs one action of the contact; rejects with a FlowStepError when the flow failed on it (unless
   * the bot was created with `flowErrors: 'park'`).
   */
  watch<T>(contact: TestContact, action: string, work: () => Promise<T>): Promise<T>;
}

interface StateView {
  value: StateValue;
  context: unknown;
  tags: string[];
  done: boolean;
}

const DEFAULT_CATALOG = 'catalog.test';

/**
 * One simulated WhatsApp user talking to the bot under test. Every action goes through the
 * production runtime and returns a promise: it resolves when the bot has finished answering, and
 * rejects when the action cannot be done (a tap on a button the bot did not offer) or the flow
 * failed on it (`FlowStepError`). Observations (`replies`, `state`, `context`, …) read what the
 * runtime sent and persisted.
 */
export class TestContact {
  private readonly log: LogEntry[] = [];
  private readonly sent: BotMessage[] = [];
  private readonly inbound: string[] = [];
  private turnStart = 0;
  private lastAction = '(start)';
  private view: StateView | undefined;
  private screenLine: string | undefined;
  private stored: ContactRecord | undefined;
  private missingState: string | undefined;

  /** @internal Made by `bot.contact(...)`. */
  constructor(
    private readonly driver: ContactDriver,
    readonly waId: string,
    readonly businessNumberId: string,
    readonly name?: string,
  ) {}

  // ---- what the user does -------------------------------------------------------------------

  /** The user writes a text message. */
  async send(text: string): Promise<void> {
    return this.act(`user: ${text}`, textBody(text));
  }

  /** The user taps a reply button of the bot's last interactive message, by id or title. */
  async tap(button: string): Promise<void> {
    const choice = this.choose('buttons', button, 'tap');
    return this.act(`user taps: ${choice.title}`, buttonBody(choice.id, choice.title));
  }

  /** The user picks a row of the bot's last list message, by id or title. */
  async pick(row: string): Promise<void> {
    const choice = this.choose('list', row, 'pick');
    return this.act(`user picks: ${choice.title}`, listBody(choice.id, choice.title, choice.description));
  }

  /** The user completes the WhatsApp Flow (form) the bot's last interactive message opened. */
  async submitFlow(response: Record<string, unknown>): Promise<void> {
    const offer = this.offer();
    if (offer?.kind !== 'form') this.fail(`cannot submit a form: ${describeOffer(offer)}`);
    const message = offer.message.message;
    const token = message.type === 'interactive' && message.interactive.type === 'flow' ? message.interactive.action.parameters.flow_token : undefined;
    return this.act(`user submits: ${JSON.stringify(response)}`, flowBody(response, token));
  }

  /** The user sends a cart from the catalog. */
  async order(lines: OrderLine[], options: { catalogId?: string; text?: string } = {}): Promise<void> {
    const line = lines.map((l) => `${l.quantity} x ${l.product} @ ${l.price} ${l.currency}`).join(', ');
    return this.act(`user orders: ${line}`, orderBody(options.catalogId ?? DEFAULT_CATALOG, lines, options.text));
  }

  /** The user shares a location pin. */
  async shareLocation(location: LocationShare): Promise<void> {
    const place = [location.name, location.address].filter(Boolean).join(' / ');
    return this.act(`user shares location: ${location.latitude}, ${location.longitude}${place ? ` ${place}` : ''}`, locationBody(location));
  }

  /** The user sends an image, video, voice note or audio, document or sticker. */
  async sendMedia(kind: MediaKindSent, media: MediaShare = {}): Promise<void> {
    const detail = media.filename ?? media.caption ?? '';
    const what = kind === 'audio' && media.voice ? 'voice' : kind;
    return this.act(`user sends ${what}:${detail ? ` ${detail}` : ''}`, mediaBody(kind, media));
  }

  /** The user shares one or more contact cards. */
  async shareContacts(cards: ContactCard[]): Promise<void> {
    const line = cards.map((c) => [c.name, c.phone].filter(Boolean).join(' ')).join('; ');
    return this.act(`user sends contact: ${line}`, contactsBody(cards));
  }

  /** The user reacts to a bot message (default: the last one) with an emoji; `''` removes the reaction. */
  async react(emoji: string, to: BotMessage | string | undefined = this.lastMessage): Promise<void> {
    const messageId = typeof to === 'string' ? to : to?.messageId;
    if (messageId === undefined) this.fail('cannot react: the bot has sent no message to react to');
    return this.act(`user reacts: ${emoji}`, reactionBody(messageId, emoji));
  }

  /** The user opens the chat with the business for the first time (`request_welcome` → `user.welcome`). */
  welcome(): Promise<void> {
    return this.act('user opens chat:', welcomeBody());
  }

  /** WhatsApp reports a delivery status for a bot message (default: the last one), as a status webhook. */
  async reportStatus(status: 'sent' | 'delivered' | 'read' | 'failed', to: BotMessage | undefined = this.lastMessage, error?: { code: number; title: string }): Promise<void> {
    if (to?.messageId === undefined) this.fail(`cannot report "${status}": the bot has sent no message`);
    const line = `status: ${status}${error ? ` (#${error.code} ${error.title})` : ''}`;
    this.startTurn(line);
    this.log.push({ kind: 'status', line });
    const messageId = to.messageId;
    await this.driver.watch(this, line, () => this.driver.sendStatus(this, messageId, status, error));
  }

  /** Your own system tells the contact's machine something (proactive, e.g. `{ type: 'api.orderShipped' }`). */
  async notify<TEvent extends EventObject>(event: TEvent): Promise<void> {
    const line = `event: ${event.type}`;
    this.startTurn(line);
    this.log.push({ kind: 'event', line });
    await this.driver.watch(this, line, () => this.driver.notify(this, event));
  }

  /**
   * The user's open WhatsApp Flow asks the bot's data endpoint: `INIT` when it opens, `data_exchange`
   * when a screen is submitted (`screen`, `data`), `BACK`. Uses the token of the last Flow invitation
   * sent with `endpoint: true`, as the real Flow would. Resolves with what the machine answered.
   */
  async exchangeFlow(action: FlowExchangeEvent['action'], screen?: string, data: Record<string, unknown> = {}): Promise<ExchangeOutcome> {
    const line = `user ${action === 'INIT' ? 'opens flow:' : action === 'BACK' ? `goes back: ${screen ?? ''}` : `fills screen: ${screen ?? ''} ${JSON.stringify(data)}`}`.trimEnd();
    const token = this.lastFlowToken();
    if (token === undefined) this.fail(`cannot ${action === 'INIT' ? 'open the Flow' : 'talk to the Flow endpoint'}: the bot sent no Flow invitation with endpoint: true`);
    this.startTurn(line);
    this.log.push({ kind: 'user', line });
    const event: FlowExchangeEvent = {
      type: 'flow.exchange',
      action,
      ...(screen ? { screen } : {}),
      data,
      tag: flowTokenTag(token) ?? '',
      flowToken: token,
      exchangeId: randomUUID(),
      version: '3.0',
      contact: { waId: this.waId },
      businessNumberId: this.businessNumberId,
      timestamp: 0,
    };
    const outcome = await this.driver.exchange(this, event);
    this.screenLine = describeOutcome(outcome);
    this.log.push({ kind: 'screen', line: this.screenLine });
    return outcome;
  }

  /** The line of the last Flow answer (`screen: NAME {…}`), once: transcripts and the simulator print it. */
  takeScreenLine(): string | undefined {
    const line = this.screenLine;
    this.screenLine = undefined;
    return line;
  }

  private lastFlowToken(): string | undefined {
    for (const sent of [...this.sent].reverse()) {
      const m = sent.message;
      if (m.type === 'interactive' && m.interactive.type === 'flow' && m.interactive.action.parameters.flow_token?.startsWith('cb1.')) return m.interactive.action.parameters.flow_token;
      if (m.type === 'template') {
        for (const c of m.template.components ?? []) {
          for (const p of c.parameters) if (p.type === 'action' && p.action.flow_token?.startsWith('cb1.')) return p.action.flow_token;
        }
      }
    }
    return undefined;
  }

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

  private startTurn(line: string): void {
    this.turnStart = this.sent.length;
    this.lastAction = line;
  }

  private async act(line: string, body: MessageBody): Promise<void> {
    this.startTurn(line);
    this.log.push({ kind: 'user', line });
    await this.driver.watch(this, line, async () => {
      this.inbound.push(await this.driver.sendMessage(this, body));
    });
  }

  private choose(kind: 'buttons' | 'list', wanted: string, verb: string): Choice {
    const offer = this.offer();
    const choice = offer?.kind === kind ? findChoice(offer, wanted) : undefined;
    if (!choice) this.fail(`cannot ${verb} "${wanted}": ${describeOffer(offer)}`);
    return choice;
  }
}

/** How a Flow answer reads in a transcript. */
function describeOutcome(outcome: ExchangeOutcome): string {
  switch (outcome.kind) {
    case 'answer':
      return 'screen' in outcome.answer ? `screen: ${outcome.answer.screen} ${JSON.stringify(outcome.answer.data)}` : `screen: (flow closed) ${JSON.stringify(outcome.answer.close)}`;
    case 'no-answer':
      return 'screen: (no answer: 427, the Flow is no longer valid)';
    case 'failed':
      return `screen: (the flow threw: ${String((outcome.error as Error)?.message ?? outcome.error)})`;
    case 'timeout':
      return 'screen: (no answer in time)';
  }
}
