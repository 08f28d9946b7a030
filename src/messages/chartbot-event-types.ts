import type { ChartbotEvent } from './inbound-events.ts';

/**
 * Every event type chartbot delivers, as a runtime list (for `chartbot lint`'s `unknown-event`).
 * Typed as a record over the event unions (inbound-events.ts), so the compiler refuses a missing or a stray type: add a
 * member to one of them and this stops compiling until it is listed here too.
 */
const DELIVERED: Record<ChartbotEvent['type'], true> = {
  'user.text': true,
  'user.button': true,
  'user.list': true,
  'user.flow': true,
  'user.order': true,
  'user.media': true,
  'user.location': true,
  'user.contacts': true,
  'user.reaction': true,
  'user.welcome': true,
  'user.system': true,
  'user.unsupported': true,
  'bot.failed': true,
  'flow.exchange': true,
  'flow.error': true,
  'agent.message': true,
  'agent.resolved': true,
  'agent.timeout': true,
};

/** The `user.*`, `bot.*`, `flow.*` and `agent.*` event types chartbot sends to flow machines. */
export const CHARTBOT_EVENT_TYPES: readonly ChartbotEvent['type'][] = Object.keys(DELIVERED) as ChartbotEvent['type'][];
