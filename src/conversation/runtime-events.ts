import type { EventObject } from 'xstate';
import type { FlowAnswer } from './screen.ts';
import type { ProviderError } from '../providers/provider.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { UserEvent } from '../messages/inbound-events.ts';
import type { HandoverNotification } from '../handover/handover-record.ts';

/** One reply the runtime sent (or failed to send), for observers such as the test harness. */
export interface SentReply {
  key: string;
  businessNumberId: string;
  to: string;
  message: OutboundMessage;
  messageId?: string;
  error?: ProviderError;
  /** Set when the failure was retryable and the reply stays in the outbox for another attempt. */
  willRetry?: boolean;
  /** Not attempted yet: it waits in the outbox behind an earlier reply (proactive API results only). */
  queued?: boolean;
  /** Written by this person during a hand-over (not decided by the machine). */
  agent?: string;
}

/** One run of a contact's machine on one event (reported once its result is saved, before its replies go out). */
export interface StepReport {
  key: string;
  flow: string;
  /** The event the machine ran on. */
  event: EventObject;
  /** The event's type (`user.text`, `bot.failed`, `xstate.after…`, `api.…`). */
  eventType: string;
  /** The inbound message id, for `user.*` events. */
  messageId?: string;
  /** State value before and after (undefined: not started / final). */
  before?: unknown;
  after?: unknown;
  /** Replies the step decided. */
  replies: number;
  /** Set when the flow failed: it threw, looped past its budget, or a service timed out. */
  error?: unknown;
  /** The conversation restarted because its saved state no longer fits the flow. */
  restarted?: boolean;
  /**
   * The event matched no transition in the state it arrived in (no `on` for its type there, or
   * every guard said no): the machine did nothing with it. It arrived in state `before`, or in
   * `after` for a conversation that started (or restarted) with this event. Chat and tools show it;
   * logged at debug.
   */
  unhandled?: boolean;
  /** `screen()`/`closeFlow()` answers to a `flow.exchange`, in the order they ran. */
  screens?: FlowAnswer[];
  durationMs: number;
}

/** What the runtime reports as it works (tests, metrics, the studio listen to these). */
export interface RuntimeEventMap {
  /** An inbound message was accepted for processing (not a re-delivery). */
  inbound: { key: string; event: UserEvent };
  /** A reply was sent, or failed. */
  reply: SentReply;
  /** A read receipt was sent, or given up after its brief retries. */
  receipt: { key: string; messageId: string; outcome: 'sent' | 'failed' };
  /** A machine ran on an event. */
  step: StepReport;
  /** A reply failed in a retryable way and stays in the outbox until `nextAttemptAt`. */
  retry: { key: string; message: OutboundMessage; error: ProviderError; attempt: number; nextAttemptAt: number };
  /** A hand-over started, the user wrote during one, or one ended (what agent tools are told). */
  handover: { key: string; notification: HandoverNotification };
  /**
   * One call to a gateway failed (every failed attempt, of a reply or of a read receipt; refusals
   * chartbot makes itself before calling, such as the closed 24-hour window, are not calls).
   * `willRetry`: the same message is tried again later.
   */
  providerError: ProviderErrorReport;
}

/** A failed gateway call, as the `providerError` event reports it. */
export interface ProviderErrorReport {
  key: string;
  /** The provider's name (`cloud`, `360dialog`, `d7`, …). */
  provider: string;
  operation: 'send' | 'markRead';
  error: ProviderError;
  willRetry: boolean;
}

type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter. A listener that throws is reported to `onListenerError` and never
 * breaks the runtime's work.
 */
export class RuntimeEvents {
  private readonly listeners = new Map<keyof RuntimeEventMap, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Calls `listener` for every event of `type`; returns the function that unsubscribes it. */
  on<K extends keyof RuntimeEventMap>(type: K, listener: Listener<RuntimeEventMap[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Reports an event to its listeners (runtime internal). */
  emit<K extends keyof RuntimeEventMap>(type: K, payload: RuntimeEventMap[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<RuntimeEventMap[K]>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Whether anyone listens to `type` (so a report that costs something to build can be skipped). */
  has(type: keyof RuntimeEventMap): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }
}
