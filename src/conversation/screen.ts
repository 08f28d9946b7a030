/**
 * The answer a contact's machine gives a WhatsApp Flows data-endpoint request (`flow.exchange`):
 * the next screen and its data, or closing the Flow. Like `reply()`, it is an action collected per
 * actor system during the step; the Flows endpoint (src/flows-endpoint) encrypts it back to WhatsApp.
 */

/** The next screen of the Flow and the data it shows (`data.error_message` shows an error on it). */
export interface FlowScreen {
  screen: string;
  data: Record<string, unknown>;
}

/**
 * Closes the Flow: WhatsApp ends it and sends the completion (`user.flow`) to the chat with
 * `params` (Meta's `extension_message_response.params`; the endpoint adds the `flow_token`).
 */
export interface FlowClose {
  close: Record<string, unknown>;
}

/** What a machine answered to a `flow.exchange`: the next screen, or closing the Flow. */
export type FlowAnswer = FlowScreen | FlowClose;

type Sink = (answer: FlowAnswer) => void;
const sinks = new WeakMap<object, Sink>();

/** Routes the `screen()`/`closeFlow()` actions executed by actors of `system` into `sink` (runtime internal). */
export function collectScreens(system: object, sink: Sink): void {
  sinks.set(system, sink);
}

type Resolver<TContext, TEvent, T> = T | ((args: { context: TContext; event: TEvent }) => T);

function answerAction<TContext, TEvent>(make: (args: { context: TContext; event: TEvent }) => FlowAnswer) {
  return (args: { context: TContext; event: TEvent; system: object }): void => {
    const sink = sinks.get(args.system);
    if (!sink) throw new Error('screen() ran outside the chartbot runtime: run the flow with createBot() or chartbot/testing, not a bare createActor()');
    sink(make(args));
  };
}

const resolve = <TContext, TEvent, T>(value: Resolver<TContext, TEvent, T>, args: { context: TContext; event: TEvent }): T =>
  typeof value === 'function' ? (value as (a: { context: TContext; event: TEvent }) => T)(args) : value;

/**
 * Answers a `flow.exchange` with the next screen and its data. Use it in the transition that
 * handles the exchange (or in the `onDone` of a service it invoked, within Meta's 10-second limit):
 *
 * ```ts
 * on: { 'flow.exchange': { actions: screen('SLOTS', ({ event }) => ({ slots: slotsFor(event.data.postcode) })) } }
 * ```
 *
 * When several run in one step, the last answers. A `flow.exchange` no action answers gets HTTP 427
 * ("this Flow is no longer valid"): the conversation is not expecting it.
 */
export function screen<TContext = unknown, TEvent = unknown>(
  name: Resolver<TContext, TEvent, string>,
  data: Resolver<TContext, TEvent, Record<string, unknown>> = {},
): (args: { context: TContext; event: TEvent; system: object }) => void {
  return answerAction<TContext, TEvent>((args) => ({ screen: resolve(name, args), data: resolve(data, args) }));
}

/** Closes the Flow; WhatsApp then sends its completion to the chat (`user.flow`) with `params`. */
export function closeFlow<TContext = unknown, TEvent = unknown>(
  params: Resolver<TContext, TEvent, Record<string, unknown>> = {},
): (args: { context: TContext; event: TEvent; system: object }) => void {
  return answerAction<TContext, TEvent>((args) => ({ close: resolve(params, args) }));
}
