// Brings vitest's types into a program that imports nothing else from vitest (the compiled package),
// so the augmentation below has a module to merge into; erased at runtime.
import type {} from 'vitest';
import type { ReplyExpectation } from './bot-message.ts';
import { describeExpectation, matchesReply } from './bot-message.ts';
import { ConversationAssertionError, indent } from './conversation-log.ts';
import { TestContact } from './test-contact.ts';

/** What a matcher returns to vitest (or Jest): whether it passed, and the message if not. */
export interface MatcherResult {
  /** Whether the expectation held. */
  pass: boolean;
  /** The failure message (or, negated, the message when it unexpectedly held). */
  message: () => string;
}

function contactOf(received: unknown, matcher: string): TestContact {
  if (received instanceof TestContact) return received;
  throw new TypeError(`${matcher} expects a TestContact (bot.contact(...)), got ${typeof received}`);
}

/** Runs one of the contact's own assertions and turns its failure into a matcher result. */
function fromAssertion(assert: () => void, negated: string): MatcherResult {
  try {
    assert();
    return { pass: true, message: () => negated };
  } catch (error) {
    if (!(error instanceof ConversationAssertionError)) throw error;
    return { pass: false, message: () => error.message };
  }
}

/**
 * Custom matchers for vitest (or Jest): `expect.extend(chartbotMatchers)`, then
 *
 * ```ts
 * expect(anna).toHaveReplied('Hi Anna! How can we help you today?');
 * expect(anna).toBeInState('menu');
 * expect(anna).toHaveTag('handover');
 * expect(anna).toHaveSent({ type: 'template' });
 * ```
 */
export const chartbotMatchers = {
  /** The bot's replies to the last action are exactly these, in order (see `expectReplies`). */
  toHaveReplied(received: unknown, ...expected: ReplyExpectation[]): MatcherResult {
    const contact = contactOf(received, 'toHaveReplied');
    return fromAssertion(() => contact.expectReplies(...expected), `expected the bot not to reply exactly that, but it did:\n${indent(contact.transcript)}`);
  },
  /** Some message of the whole conversation matches. */
  toHaveSent(received: unknown, expected: ReplyExpectation): MatcherResult {
    const contact = contactOf(received, 'toHaveSent');
    const pass = contact.messages.some((m) => matchesReply(expected, m));
    const what = describeExpectation(expected);
    return {
      pass,
      message: () => `expected the bot ${pass ? 'never to send' : 'to send'} ${what}\n\nWhole conversation:\n${indent(contact.transcript || '(nothing yet)')}`,
    };
  },
  /** The conversation is in this state (a dotted path for nested states, e.g. `ticket.form`). */
  toBeInState(received: unknown, path: string): MatcherResult {
    const contact = contactOf(received, 'toBeInState');
    return fromAssertion(() => contact.expectState(path), `expected the conversation not to be in state "${path}"`);
  },
  /** The conversation's current state carries this tag. */
  toHaveTag(received: unknown, tag: string): MatcherResult {
    const contact = contactOf(received, 'toHaveTag');
    const pass = contact.hasTag(tag);
    return {
      pass,
      message: () => `expected state "${contact.state ?? '(not started)'}" ${pass ? 'not ' : ''}to have tag "${tag}" (tags: ${contact.tags.join(', ') || 'none'})`,
    };
  },
};

/** The matchers' types, for `expect(contact).toHaveReplied(...)`. */
export interface ChartbotMatchers<R = unknown> {
  /** The bot's replies to the last action are exactly these, in order. */
  toHaveReplied(...expected: ReplyExpectation[]): R;
  /** Some message of the whole conversation matches. */
  toHaveSent(expected: ReplyExpectation): R;
  /** The conversation is in this state. */
  toBeInState(path: string): R;
  /** The conversation's current state carries this tag. */
  toHaveTag(tag: string): R;
}

declare module 'vitest' {
  // The type parameter must repeat vitest's own declaration (`Matchers<T = any>`) to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends ChartbotMatchers<T> {}
}
