import type { RecordedRequest } from '../../test/helpers/mock-provider.ts';
import { chaosText, sleep } from './chaos-load.ts';

type Send = RecordedRequest & { body: Record<string, unknown> };

/** A send as `<to> <text>` ("4917000001 ok m3", "4917000001 tick m9"). */
export const sendKey = (send: Send) => `${String(send.body.to)} ${(send.body.text as { body?: string } | undefined)?.body ?? ''}`;

/** What reached the mock provider, against what the ledger flow must have sent. */
export interface ReplyFigures {
  /** One `ok m<n>` reply per acknowledged message. */
  repliesExpected: number;
  repliesMissing: number;
  /** Extra copies of `ok` replies (the at-least-once window: sends in flight at a kill). */
  duplicateReplies: number;
  /** Extra copies of `tick` replies (the same window; a timer that fired twice shows in the state). */
  duplicateTicks: number;
  /** Most copies of one `ok` reply. */
  mostCopiesOfOneReply: number;
  /** Contacts whose last message was not followed by its timer's reply. */
  lastTicksMissing: number;
  /** Last messages' timer replies that arrived more than once. */
  lastTicksSentTwice: number;
  /** The extra copies of both: to whom and when (to attribute them to the kill before them). */
  duplicates: Array<{ to: string; at: number }>;
}

/** Counts the replies in `sends` for the messages each contact sent (`sent`: contact → count). */
export function replyFigures(sends: Send[], sent: Map<string, number>): ReplyFigures {
  const copies = new Map<string, Array<{ to: string; at: number }>>();
  for (const send of sends) {
    const key = sendKey(send);
    copies.set(key, [...(copies.get(key) ?? []), { to: String(send.body.to), at: send.receivedAt }]);
  }
  const count = (key: string) => copies.get(key)?.length ?? 0;
  const oks = [...sent].flatMap(([c, n]) => Array.from({ length: n }, (_, i) => `${c} ok ${chaosText(i)}`));
  const lastTicks = [...sent].filter(([, n]) => n > 0).map(([c, n]) => `${c} tick ${chaosText(n - 1)}`);
  const extra = (kind: string) => [...copies].filter(([key]) => key.includes(` ${kind} `)).flatMap(([, times]) => times.slice(1));
  const duplicates = [...extra('ok'), ...extra('tick')];
  return {
    repliesExpected: oks.length,
    repliesMissing: oks.filter((key) => count(key) === 0).length,
    duplicateReplies: extra('ok').length,
    duplicateTicks: extra('tick').length,
    mostCopiesOfOneReply: Math.max(0, ...oks.map(count)),
    lastTicksMissing: lastTicks.filter((key) => count(key) === 0).length,
    lastTicksSentTwice: lastTicks.filter((key) => count(key) > 1).length,
    duplicates,
  };
}

/** Waits until every reply and last tick arrived (or the deadline), then counts. */
export async function awaitReplies(sends: () => Send[], sent: Map<string, number>, deadline: number): Promise<ReplyFigures> {
  for (;;) {
    const figures = replyFigures(sends(), sent);
    if ((figures.repliesMissing === 0 && figures.lastTicksMissing === 0) || Date.now() >= deadline) return figures;
    await sleep(100);
  }
}

/** The ledger flow's context: texts as the machine saw them, and the timers that fired. */
export interface LedgerContext {
  ledger?: string[];
  ticks?: string[];
}

/** What the machines saw, from the stored contexts. */
export interface LedgerFigures {
  processed: number;
  lost: number;
  processedTwice: number;
  /** Contacts whose machine saw their messages out of order. */
  outOfOrder: number;
  /** Timers that fired twice for one arming (the same tick twice in a context). */
  timersFiredTwice: number;
  /** Contacts whose last message's timer never fired in the machine. */
  lastTimersNotFired: number;
}

/** Compares each contact's stored context with the messages it sent. */
export function ledgerFigures(contexts: Map<string, LedgerContext | undefined>, sent: Map<string, number>): LedgerFigures {
  const figures: LedgerFigures = { processed: 0, lost: 0, processedTwice: 0, outOfOrder: 0, timersFiredTwice: 0, lastTimersNotFired: 0 };
  for (const [c, count] of sent) {
    const context = contexts.get(c);
    const numbers = (context?.ledger ?? []).map((entry) => Number(entry.slice(1)));
    figures.processed += numbers.length;
    const distinct = new Set(numbers);
    figures.processedTwice += numbers.length - distinct.size;
    for (let i = 0; i < count; i++) if (!distinct.has(i)) figures.lost++;
    if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) figures.outOfOrder++;
    const ticks = context?.ticks ?? [];
    figures.timersFiredTwice += ticks.length - new Set(ticks).size;
    if (count > 0 && !ticks.includes(chaosText(count - 1))) figures.lastTimersNotFired++;
  }
  return figures;
}

/** What both chaos runs (one process, several on Redis) report about the messages and timers. */
export interface ChaosFigures {
  /** Distinct messages generated (each with its own id). */
  messagesSent: number;
  /** Webhook POSTs made, including retries (after a kill, or on another instance) and deliberate re-deliveries. */
  posts: number;
  redeliveries: number;
  /** Entries in the contacts' ledgers (what the machines saw). */
  processed: number;
  lost: number;
  processedTwice: number;
  /** Contacts whose machine saw their messages out of order. */
  outOfOrder: number;
  repliesExpected: number;
  repliesMissing: number;
  /** Extra copies of replies: sends in flight at a kill (or a Redis restart), the stated window. */
  duplicateReplies: number;
  /** Contacts whose last message's timer never fired, or whose timer reply never came. */
  timersLost: number;
  /** Timers that fired twice for one arming. */
  timersFiredTwice: number;
  /** SIGKILLs under load. */
  kills: number;
}
