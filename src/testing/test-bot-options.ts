import type { AnyStateMachine, InspectionEvent } from 'xstate';
import type { Flow, FlowDefinition } from '../conversation/define-flow.ts';
import type { FlowRegistry } from '../conversation/flow-registry.ts';
import type { DeliveryOptions } from '../delivery/outbound-sender.ts';
import type { Logger } from '../logger.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { CoverageRecorder } from './coverage.ts';
import type { FlowErrorMode } from './flow-failures.ts';

/** A flow as tests name it: a machine, `defineFlow(...)`, a loaded Flow, or a flow file path. */
export type FlowSource = AnyStateMachine | FlowDefinition | Flow | string;

export interface TestBotOptions {
  /** The flow under test. */
  flow?: FlowSource;
  /** Several flows, routed to business numbers exactly as in production (`numbers`, `default`). */
  flows?: FlowSource[];
  /**
   * Or a registry of loaded flows, consulted at every step: one whose flows change while the bot runs
   * (the studio's hot reload) changes the conversations' machines from their next event on.
   */
  registry?: FlowRegistry;
  /** Keep state in lowdb files in this folder (default: in memory). The simulator uses this to persist. */
  dataDir?: string;
  /** Or any SessionStore. */
  store?: SessionStore;
  /** Where the fake clock starts (default 2025-01-06 09:00 UTC, a Monday). */
  startAt?: number | Date;
  /** Business number contacts write to unless they say otherwise. */
  businessNumberId?: string;
  /** Automatic read receipts, as `CHARTBOT_MARK_READ` (default true). */
  markRead?: boolean;
  /**
   * Delivery discipline. Tests default to no retries and no pacing (TEST_DELIVERY): both wait on the
   * clock, and a fake clock only moves on `advance()`, so an action would never finish. Pass
   * `retry`/`limits` to test them, and move time with `advance()` while the action is pending.
   */
  delivery?: DeliveryOptions;
  /** Name of the catch-all flow when several could serve every number (as `CHARTBOT_FLOW`). */
  defaultFlow?: string;
  /** Add this bot's coverage to a shared recorder (e.g. one per test file or suite). */
  coverage?: CoverageRecorder;
  logger?: Logger;
  /**
   * When the flow fails on an action's event (throws, a reply builder refuses its input, loops past
   * the microstep budget, a service times out): `'reject'` (default) rejects the action with a
   * `FlowStepError` naming flow, state, event and cause; `'park'` resolves as production does (the
   * message is parked, the contact keeps its last good state), to test that behaviour.
   */
  flowErrors?: FlowErrorMode;
  /** Most transitions one event may cause (as `CHARTBOT_MICROSTEP_BUDGET`, default 1,000). */
  microstepBudget?: number;
  /** How long a step waits for the flow's promise services, in real milliseconds (as `CHARTBOT_SERVICE_TIMEOUT_MS`, default 10 s). */
  serviceTimeoutMs?: number;
  /** Also observes every actor step (xstate inspection events), e.g. to draw the live statechart. */
  inspect?: (event: InspectionEvent) => void;
}

/** Delivery settings of a test bot unless told otherwise: the 24-hour window is checked, nothing waits. */
export const TEST_DELIVERY: DeliveryOptions = {
  retry: { maxAttempts: 1 },
  limits: { perNumberMps: Infinity, recipientBurst: Infinity },
};

export const TEST_BUSINESS_NUMBER = '106540352242922';
