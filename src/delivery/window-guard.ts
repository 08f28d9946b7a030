import { isWindowOpen } from './window.ts';

/**
 * What the step being run knows about the contact's window. A step (`runStep`) is synchronous, so
 * the runtime sets this around it and a flow's guard reads it: no store access inside a machine.
 */
let current: { lastInboundAt: number | undefined; now: number } | undefined;

/** Runs `step` with the contact's window visible to `windowIsOpen` (runtime internal). */
export function withWindowInfo<T>(info: { lastInboundAt: number | undefined; now: number }, step: () => T): T {
  const previous = current;
  current = info;
  try {
    return step();
  } finally {
    current = previous;
  }
}

/**
 * Guard (or plain function) telling a flow whether free-form messages can reach the contact now,
 * i.e. the user wrote within 24 hours. Outside the window only templates are delivered.
 *
 * ```ts
 * on: { 'api.orderShipped': [
 *   { guard: windowIsOpen, actions: reply('Your order is on its way!') },
 *   { actions: reply(template('order_shipped', 'en')) },
 * ] }
 * ```
 */
export function windowIsOpen(): boolean {
  if (!current) throw new Error('windowIsOpen ran outside the chartbot runtime: run the flow with createBot() or chartbot/testing');
  return isWindowOpen(current.lastInboundAt, current.now);
}
