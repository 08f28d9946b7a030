import type { BotMessage } from './bot-message.ts';

/** One line (or block) of a conversation as transcripts write it. */
export type LogEntry =
  | { kind: 'user'; line: string }
  | { kind: 'bot'; message: BotMessage }
  | { kind: 'wait'; line: string }
  /** A delivery status WhatsApp reported for a bot message (`status: read`). */
  | { kind: 'status'; line: string }
  /** An event from outside the chat (proactive API), e.g. `event: api.orderShipped`. */
  | { kind: 'event'; line: string }
  /** What a person did during a hand-over: `agent Sam: Hi`, `agent Sam resolves`. */
  | { kind: 'agent'; line: string }
  /** The machine's answer to a WhatsApp Flow's data-endpoint request (`screen: CONFIRM {…}`). */
  | { kind: 'screen'; line: string };

/** The transcript text of a conversation: `user: …` lines, `bot: …` blocks, `wait: 10m` jumps. */
export function renderLog(entries: readonly LogEntry[]): string {
  return entries.map((e) => (e.kind === 'bot' ? e.message.rendered : e.line)).join('\n');
}

/** Indents a block so that it reads as a quote inside an error message. */
export const indent = (text: string, by = '  '): string =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

/** Thrown by the harness when the conversation is not what the test expected; carries the whole transcript. */
export class ConversationAssertionError extends Error {
  override readonly name = 'ConversationAssertionError';
  constructor(
    message: string,
    readonly transcript: string,
  ) {
    super(`${message}\n\nWhole conversation so far:\n${indent(transcript || '(nothing yet)')}`);
  }
}
