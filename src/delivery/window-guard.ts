import { AsyncLocalStorage } from 'node:async_hooks';
import { isWindowOpen } from './window.ts';

/**
 * What the step being run knows about the contact's window. The runtime sets it around the step and
 * a flow's guard reads it: no store access inside a machine. AsyncLocalStorage (not a module
 * variable) because a step may await a flow's services, and other contacts' steps run meanwhile.
 */
const current = new AsyncLocalStorage<{ lastInboundAt: number | undefined; now: number }>();

/** Runs `step` with the contact's window visible to `windowIsOpen` (runtime internal). */
export function withWindowInfo<T>(info: { lastInboundAt: number | undefined; now: number }, step: () => T): T {
  return current.run(info, step);
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
  const info = current.getStore();
  if (!info) throw new Error('windowIsOpen ran outside the chartbot runtime: run the flow with createBot() or chartbot/testing');
  return isWindowOpen(info.lastInboundAt, info.now);
}
