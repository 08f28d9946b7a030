import type { OutboundMessage } from '../messages/outbound.ts';
import { text } from '../messages/builders.ts';

/** What a reply may be: a text, a built message, several of them, or nothing (send nothing). */
export type ReplyContent = string | OutboundMessage | ReadonlyArray<string | OutboundMessage> | undefined | null;

/** A reply computed from the machine's context and the event being handled. */
export type ReplyFunction<TContext, TEvent> = (args: { context: TContext; event: TEvent }) => ReplyContent;

type Sink = (message: OutboundMessage) => void;

/**
 * What `chartbot lint` can know of a `reply()` action without running it: the content itself when
 * it was given as a value (a literal, or a builder called with literals), or only that it is computed.
 */
export type ReplyActionInfo = { computed: false; content: ReplyContent } | { computed: true };

// A registered symbol, so that lint recognises reply actions even from another copy of the package.
const REPLY_INFO = Symbol.for('chartbot.reply');

/** The `ReplyActionInfo` of an xstate action, or undefined when it is not a `reply()`. */
export function replyActionInfo(action: unknown): ReplyActionInfo | undefined {
  if (typeof action !== 'function') return undefined;
  return (action as { [REPLY_INFO]?: ReplyActionInfo })[REPLY_INFO];
}

/** Replies decided during one step, keyed by the actor system running the step. */
const sinks = new WeakMap<object, Sink>();

/** Routes the `reply()` actions executed by actors of `system` into `sink` (runtime internal). */
export function collectReplies(system: object, sink: Sink): void {
  sinks.set(system, sink);
}

function toMessages(content: ReplyContent): OutboundMessage[] {
  if (content === undefined || content === null) return [];
  const list = Array.isArray(content) ? content : [content];
  return list.map((item: string | OutboundMessage) => (typeof item === 'string' ? text(item) : item));
}

/**
 * The action that answers the user. Use it wherever xstate takes an action (`entry`, `exit`,
 * transition `actions`):
 *
 * ```ts
 * entry: reply('Hi! How can we help?'),
 * on: { 'user.text': { actions: reply(({ event }) => `You said: ${event.text}`) } },
 * ```
 *
 * Replies of one step go out in the order their actions ran, after the new state is persisted.
 */
export function reply<TContext = unknown, TEvent = unknown>(
  content: ReplyContent | ReplyFunction<TContext, TEvent>,
): (args: { context: TContext; event: TEvent; system: object }) => void {
  const action = (args: { context: TContext; event: TEvent; system: object }): void => {
    const sink = sinks.get(args.system);
    if (!sink) {
      throw new Error(
        'reply() ran outside the chartbot runtime: run the flow with createBot() or chartbot/testing, not a bare createActor()',
      );
    }
    const resolved = typeof content === 'function' ? content({ context: args.context, event: args.event }) : content;
    for (const message of toMessages(resolved)) sink(message);
  };
  const info: ReplyActionInfo = typeof content === 'function' ? { computed: true } : { computed: false, content };
  return Object.defineProperty(action, REPLY_INFO, { value: info, enumerable: false });
}
