import type { SentReply } from '../conversation/runtime.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { ProviderError } from '../providers/provider.ts';
import { choicesOf, renderMessage, type Choice, type RenderOptions } from './render-message.ts';

/** One message the bot sent to a contact, as a test sees it. */
export interface BotMessage {
  /** The message as sent (Cloud API shape). */
  message: OutboundMessage;
  /** The main text: a text body, an interactive body, a caption, or the template name. */
  text: string;
  /** The readable rendering transcripts compare (`bot: …` plus indented buttons, rows, forms). */
  rendered: string;
  /** Reply buttons or list rows the user can tap. */
  choices: Choice[];
  messageId?: string;
  /** Set when sending failed (e.g. the 24-hour window was closed). */
  error?: ProviderError;
  /** Written by this agent during a hand-over (`bot.agent('Sam').says(…)`), not by the flow. */
  agent?: string;
}

function mainText(message: OutboundMessage): string {
  switch (message.type) {
    case 'text':
      return message.text.body;
    case 'interactive':
      return message.interactive.body?.text ?? '';
    case 'template':
      return message.template.name;
    case 'image':
      return message.image.caption ?? '';
    case 'video':
      return message.video.caption ?? '';
    case 'document':
      return message.document.caption ?? message.document.filename ?? '';
    case 'reaction':
      return message.reaction.emoji;
    default:
      return '';
  }
}

/** A message's rendering plus, for a failed send, why (a silent failure would hide the bug). */
export function renderSent(sent: Pick<SentReply, 'message' | 'error'>, options: RenderOptions = {}): string[] {
  const lines = renderMessage(sent.message, options);
  if (sent.error) lines.push(`  (not sent: #${sent.error.code} ${sent.error.title})`);
  return lines;
}

export function toBotMessage(sent: Pick<SentReply, 'message' | 'messageId' | 'error' | 'agent'>): BotMessage {
  const lines = renderSent(sent);
  return {
    message: sent.message,
    text: mainText(sent.message),
    rendered: lines.join('\n'),
    choices: choicesOf(sent.message),
    ...(sent.messageId === undefined ? {} : { messageId: sent.messageId }),
    ...(sent.error === undefined ? {} : { error: sent.error }),
    ...(sent.agent === undefined ? {} : { agent: sent.agent }),
  };
}

/**
 * What a test expects of one bot message: its main text or its whole rendering (string), a pattern
 * over the rendering (RegExp), or a subset of the message object (`{ type: 'template' }`).
 */
export type ReplyExpectation = string | RegExp | Partial<OutboundMessage> | Record<string, unknown>;

function isSubset(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => isSubset(e, actual[i]));
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    return Object.entries(expected).every(([k, v]) => isSubset(v, (actual as Record<string, unknown>)[k]));
  }
  return false;
}

export function matchesReply(expected: ReplyExpectation, actual: BotMessage): boolean {
  if (typeof expected === 'string') return expected === actual.text || expected === actual.rendered || `bot: ${expected}` === actual.rendered;
  if (expected instanceof RegExp) return expected.test(actual.rendered);
  return isSubset(expected, actual.message);
}

export function describeExpectation(expected: ReplyExpectation): string {
  if (typeof expected === 'string') return JSON.stringify(expected);
  if (expected instanceof RegExp) return String(expected);
  return JSON.stringify(expected);
}
