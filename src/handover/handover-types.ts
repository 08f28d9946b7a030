/** The hand-over API's settings, results and errors, and what the Handovers part of a runtime is built from. */
import type { Clock } from '../conversation/clock.ts';
import type { ContactJobs } from '../conversation/contact-jobs.ts';
import type { ContactStep } from '../conversation/contact-step.ts';
import type { FlowRegistry } from '../conversation/flow-registry.ts';
import type { RuntimeEvents } from '../conversation/runtime-events.ts';
import type { RetryPolicy } from '../delivery/retry.ts';
import type { Logger } from '../logger.ts';
import type { Provider } from '../providers/provider.ts';
import type { SessionStore } from '../store/session-store.ts';
import type { AgentSink } from './agent-sink.ts';

/** Hand-over settings of a runtime: where agent tools are told about hand-overs. */
export interface HandoverOptions {
  /** Destinations of hand-over notifications (the agent webhook, Chatwoot, your own). */
  sinks?: AgentSink[];
  /** Backoff between attempts at a failing sink (default: 1 s doubling to 5 min, without end). */
  retry?: RetryPolicy;
}

/** One conversation in a hand-over, as `GET /api/handovers` lists it. */
export interface HandoverSummary {
  businessNumberId: string;
  waId: string;
  name?: string;
  /** When it started, epoch ms. */
  since: number;
  /** The machine's state (`handover.waiting`). */
  state: string;
  /** When the user last wrote (or the hand-over started), epoch ms. */
  lastMessageAt: number;
  /** Agents who wrote so far. */
  agents: string[];
}

/** What became of one agent message: sent (`messageId`), refused or failed (`error`), or waiting behind earlier replies (`queued`). */
export interface AgentMessageResult {
  type: string;
  messageId?: string;
  error?: { code: number; title: string };
  /** The failure was temporary: the message stays in the outbox and is tried again. */
  willRetry?: boolean;
  queued?: boolean;
}

/** An agent action on a contact whose machine is not in a state tagged `handover` (HTTP 409). */
export class NotInHandoverError extends Error {
  override readonly name = 'NotInHandoverError';
  constructor(
    readonly businessNumberId: string,
    readonly waId: string,
    readonly state: string | undefined,
  ) {
    super(
      `contact ${waId} of number ${businessNumberId} is not in a hand-over (${state === undefined ? 'no conversation' : `its conversation is in state "${state}"`}): ` +
        'agents can write and resolve only while its flow is in a state tagged handover',
    );
  }
}

export interface HandoversDeps {
  store: SessionStore;
  clock: Clock;
  logger: Logger;
  events: RuntimeEvents;
  registry: FlowRegistry;
  providerFor: (businessNumberId: string) => Provider;
  options: HandoverOptions | undefined;
  /** Runs a job in the contact's queue and resolves with its result. */
  run: <T>(key: string, job: () => Promise<T>) => Promise<T>;
  /** Queues a job in the contact's queue (even while the runtime drains at close). */
  enqueue: (key: string, job: () => Promise<void>) => void;
  hold: () => () => void;
  /** The runtime's contact jobs and step (built after this object). */
  jobs: () => ContactJobs;
  /**
   * Several instances share the contacts (Redis): notifications are delivered in the contact's turn
   * (`deliverDue`) by whoever holds it, never beside it by the instance that saved them.
   */
  inTurn: boolean;
  step: () => ContactStep;
}
