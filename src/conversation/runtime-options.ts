import type { InspectionEvent } from 'xstate';
import type { DeliveryOptions } from '../delivery/outbound-sender.ts';
import type { SentLog } from '../durability/sent-log.ts';
import type { ParkedStore } from '../isolation/parked-store.ts';
import type { Logger } from '../logger.ts';
import type { HistoryOptions } from '../observability/contact-history.ts';
import type { Provider } from '../providers/provider.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { Clock } from './clock.ts';
import type { Flow } from './define-flow.ts';
import type { HandoverOptions } from '../handover/handover-types.ts';
import type { FlowRegistry } from './flow-registry.ts';
import type { Coordination } from './coordination.ts';

/** Options of the `Runtime` (and of `createBot`, which adds the server's). */
export interface RuntimeOptions {
  /** The flows, or a registry that routes business numbers to flows. */
  flows: readonly Flow[] | FlowRegistry;
  /** The gateway, or one per business number. */
  provider: Provider | ((businessNumberId: string) => Provider);
  store: SessionStore;
  clock?: Clock;
  logger?: Logger;
  /** Mark every inbound message read (default true). */
  markRead?: boolean;
  /** How long handled message ids are remembered for de-duplication (default 7 days). */
  dedupeRetentionMs?: number;
  /** Outbound message statuses kept per contact (default 200, most recent). */
  outboundHistory?: number;
  /** Retries, throughput limits and the 24-hour window check for outbound messages. */
  delivery?: DeliveryOptions;
  /** Observes every actor step (xstate inspection events); chartbot/testing records coverage with it. */
  inspect?: (event: InspectionEvent) => void;
  /** Where messages whose flow failed are kept for a retry (default: in memory). */
  parked?: ParkedStore;
  /** Most transitions one event may cause before the step fails (default 1,000). */
  microstepBudget?: number;
  /** How long a step waits for the promise actors (`fromPromise`) it invoked (default 10 s). */
  serviceTimeoutMs?: number;
  /** Records provider acceptances the moment they arrive, so a crash right after does not resend (see src/durability). */
  sentLog?: SentLog;
  /** Where agent tools hear about hand-overs (states tagged `handover`): the agent webhook, Chatwoot, your own sinks. */
  handover?: HandoverOptions;
  /** Each contact's history of steps (default: the last 50, without message text; see docs/observability.md). */
  history?: HistoryOptions;
  /**
   * Who runs each contact's work and when. Default: one process (an in-memory queue per contact);
   * `redisCoordination` for several processes sharing Redis.
   */
  coordination?: Coordination;
}

/** What a contact's machine looks like now, for admin tools and tests. */
export interface ContactView {
  record: ContactRecord;
  flow: Flow;
}
