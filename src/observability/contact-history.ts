import type { EventObject } from 'xstate';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import { inboundText, outboundText } from './message-text.ts';

/** One reply a step decided, as the history keeps it. */
export interface HistoryReply {
  /** The message type (`text`, `interactive`, `template`, …). */
  type: string;
  /** The outbox entry, until the gateway accepted it (then `id` replaces it). */
  entryId?: string;
  /** WhatsApp's id of the sent message (`wamid…`): its current status is in `record.outbound`. */
  id?: string;
  /** Set when the reply was given up: the gateway's (or chartbot's) code and title. */
  error?: { code: number; title: string };
  /** The reply's text (only with history text on: CHARTBOT_HISTORY_TEXT=true). */
  text?: string;
}

/**
 * One entry of a contact's history: a step of its machine, or something a person did (`kind:
 * 'agent'`: the hand-over's agent log, `record.agentLog`, is shown among the steps; other parts of a
 * bot can add entries with `ContactHistory.append`).
 */
export interface HistoryEntry {
  /** When it happened, epoch ms (the runtime's clock). */
  at: number;
  kind: 'step' | 'agent';
  /** The event's type (`user.text`, `xstate.after…`, `bot.failed`, `api.…`) or the agent's action (e.g. `agent.reply`). */
  event: string;
  /** The inbound message id, for `user.*` events. */
  messageId?: string;
  /** State value before and after the step (absent: not started / final state). */
  before?: unknown;
  after?: unknown;
  replies?: HistoryReply[];
  /** Set when the flow failed on this event (threw, looped, timed out): the error's name and message. */
  error?: string;
  /** The conversation restarted: its saved state no longer fit the flow. */
  restarted?: true;
  /** Who acted, for agent entries (an agent's id or name). */
  agent?: string;
  /** Agent messages: how many went to the outbox, how many were refused (closed window), their types. */
  messages?: number;
  refused?: number;
  types?: string[];
  /** The inbound message's text (or the agent's), only with history text on. */
  text?: string;
}

/** How much history each contact keeps (RuntimeOptions.history). */
export interface HistoryOptions {
  /** Entries kept per contact, the newest (default 50; 0 keeps none). CHARTBOT_HISTORY_SIZE. */
  size?: number;
  /** Keep the text of messages too (default false: privacy by default). CHARTBOT_HISTORY_TEXT=true. */
  text?: boolean;
}

/** Entries kept per contact unless told otherwise (CHARTBOT_HISTORY_SIZE). */
export const DEFAULT_HISTORY_SIZE = 50;

/** What a step did, for its history entry. */
export interface StepOutcome {
  event: EventObject;
  before: unknown;
  after: unknown;
  /** The outbox entries the step added, in order. */
  replies: ReadonlyArray<{ id: string; message: OutboundMessage }>;
  error?: unknown;
  restarted: boolean;
}

/**
 * The per-contact history: a bounded array on the contact record (`record.history`), so it is
 * written by the saves the runtime makes anyway (the step's save, and the save after each reply
 * leaves the outbox) and costs no write of its own.
 */
export class ContactHistory {
  /** Entries kept per contact. */
  readonly size: number;
  /** Whether message text is kept. */
  readonly text: boolean;

  constructor(options: HistoryOptions = {}) {
    const size = options.size ?? DEFAULT_HISTORY_SIZE;
    if (!Number.isInteger(size) || size < 0) throw new Error(`history size must be a whole number ≥ 0, got ${size}`);
    this.size = size;
    this.text = options.text ?? false;
  }

  /**
   * Appends an entry (the oldest beyond `size` are dropped). Call it on a record you then save, e.g.
   * inside the contact's queue; text in the entry is dropped unless history text is on.
   */
  append(record: ContactRecord, entry: HistoryEntry): void {
    if (this.size === 0) return;
    if (!this.text && entry.text !== undefined) {
      const { text: _dropped, ...rest } = entry;
      entry = rest;
    }
    const history = record.history ?? (record.history = []);
    history.push(entry);
    if (history.length > this.size) history.splice(0, history.length - this.size);
  }

  /** Records one step (called by the contact step before its save). */
  recordStep(record: ContactRecord, at: number, outcome: StepOutcome): void {
    if (this.size === 0) return;
    const { event } = outcome;
    const messageId = (event as { messageId?: unknown }).messageId;
    const entry: HistoryEntry = { at, kind: 'step', event: event.type };
    if (typeof messageId === 'string' && event.type.startsWith('user.')) entry.messageId = messageId;
    if (outcome.before !== undefined) entry.before = outcome.before;
    if (outcome.after !== undefined) entry.after = outcome.after;
    if (outcome.replies.length > 0) {
      entry.replies = outcome.replies.map(({ id, message }) => {
        const reply: HistoryReply = { type: message.type, entryId: id };
        const text = this.text ? outboundText(message) : undefined;
        if (text !== undefined) reply.text = text;
        return reply;
      });
    }
    if (outcome.error !== undefined) entry.error = describe(outcome.error);
    if (outcome.restarted) entry.restarted = true;
    if (this.text) {
      const text = inboundText(event);
      if (text !== undefined) entry.text = text;
    }
    this.append(record, entry);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The history reply of an outbox entry, newest first (replies are sent soon after their step). */
function replyOf(record: ContactRecord, entryId: string): HistoryReply | undefined {
  const history = record.history;
  if (!history) return undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const replies = history[i]?.replies;
    if (!replies) continue;
    for (const reply of replies) if (reply.entryId === entryId) return reply;
  }
  return undefined;
}

/** The gateway accepted an outbox entry: its history reply now names the sent message (saved with the outbox). */
export function noteReplySent(record: ContactRecord, entryId: string, messageId: string): void {
  const reply = replyOf(record, entryId);
  if (!reply) return;
  delete reply.entryId;
  reply.id = messageId;
}

/** An outbox entry was given up: its history reply keeps why. */
export function noteReplyFailed(record: ContactRecord, entryId: string, error: { code: number; title: string }): void {
  const reply = replyOf(record, entryId);
  if (!reply) return;
  delete reply.entryId;
  reply.error = { code: error.code, title: error.title };
}
