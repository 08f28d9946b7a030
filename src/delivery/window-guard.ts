import type { InspectionEvent } from 'xstate';
import { isWindowOpen } from './window.ts';

export interface WindowInfo {
  lastInboundAt: number | undefined;
  now: number;
}

/**
 * What the step being run knows about the contact's window; a flow's guard reads it, so no store
 * access happens inside a machine. A step may await a flow's services while other contacts' steps
 * run, so the runtime sets it again before every event the step's actors process (an xstate
 * inspection hook, which runs synchronously right before the transition). AsyncLocalStorage would
 * do the same but costs about 3% of the CPU of every message on Node 20 (promise hooks).
 */
let current: WindowInfo | undefined;

/**
 * Runs `step` with the contact's window visible to `windowIsOpen`; pass the returned `inspect` to
 * the step's actor (runtime internal).
 */
export async function withWindowInfo<T>(info: WindowInfo, step: (inspect: (event: InspectionEvent) => void) => Promise<T>): Promise<T> {
  const inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.event') current = info;
  };
  current = info;
  try {
    return await step(inspect);
  } finally {
    if (current === info) current = undefined;
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
  const info = current;
  if (!info) throw new Error('windowIsOpen ran outside the chartbot runtime: run the flow with createBot() or chartbot/testing');
  return isWindowOpen(info.lastInboundAt, info.now);
}
