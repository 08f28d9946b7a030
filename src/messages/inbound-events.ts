import type { AgentEvent } from './agent-events.ts';
import type { BotEvent } from './bot-events.ts';
import type { FlowEvent } from './flow-endpoint-events.ts';
import type { UserEvent } from './user-events.ts';

/**
 * The events a flow machine receives. Every inbound WhatsApp message becomes exactly one `user.*`
 * event (user-events.ts); a message of ours that WhatsApp reports as failed becomes `bot.failed`
 * (bot-events.ts); what people do during a hand-over (a state tagged `handover`) arrives as
 * `agent.*` (agent-events.ts); a WhatsApp Flow's data endpoint sends `flow.*`
 * (flow-endpoint-events.ts). This module gathers them: import event types from here.
 *
 * Events are plain JSON (timestamps are epoch milliseconds) so that they can be journalled,
 * replayed and compared in tests.
 */
export type * from './user-events.ts';
export type * from './bot-events.ts';
export type * from './flow-endpoint-events.ts';
export type * from './agent-events.ts';
export { CHARTBOT_EVENT_TYPES } from './chartbot-event-types.ts';

/** Every event chartbot delivers to a flow machine. Use it as `types.events` in `setup()`. */
export type ChartbotEvent = UserEvent | BotEvent | FlowEvent | AgentEvent;
