import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Runtime } from '../conversation/runtime.ts';
import type { ProviderErrorReport, SentReply } from '../conversation/runtime-events.ts';
import type { DurableInbox } from '../durability/durable-inbox.ts';
import type { SessionStore } from '../store/session-store.ts';
import { FirstReplyLatency } from './first-reply-latency.ts';

/** What a bot's metrics watch besides its runtime. */
export interface BotMetricsOptions {
  /** Reports its journal fsyncs (and round trips, for a store on a server) through `observe`. */
  store?: SessionStore;
  /** The inbox journal, when on: its fsyncs before each webhook's 200. */
  inbox?: DurableInbox;
  /** prom-client's process and Node metrics (`process_resident_memory_bytes`, event loop lag, …); default true. */
  defaultMetrics?: boolean;
}

/** Latency buckets, seconds. Steps are sub-millisecond to seconds (services); waits include gateway calls. */
const STEP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REPLY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const FSYNC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const ROUND_TRIP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/**
 * Labelled children by label value, made once: prom-client resolves a label set on every
 * `labels(…)` call, and the hot path (every message) should not.
 */
function children<C>(make: (value: string) => C): (value: string) => C {
  const made = new Map<string, C>();
  return (value) => {
    let child = made.get(value);
    if (child === undefined) made.set(value, (child = make(value)));
    return child;
  };
}

/** What became of a reply that left the outbox (the `outcome` label of `chartbot_replies_total`). */
export type ReplyOutcome = 'sent' | 'failed' | 'refused';

/**
 * A reply's outcome: `sent` (the gateway accepted it), `refused` (refused for good: by the gateway,
 * e.g. an invalid number, or by chartbot before any call, e.g. outside the 24-hour window), `failed`
 * (given up after failures that could have passed: network, 5xx, 429, past its retry deadline).
 */
export function replyOutcome(reply: SentReply): ReplyOutcome {
  if (reply.messageId !== undefined) return 'sent';
  return reply.error?.retryable ? 'failed' : 'refused';
}

/**
 * One bot's Prometheus metrics (docs/observability.md), in a registry of its own so that several
 * bots (and tests) in one process never share counters. Fed by the runtime's events, the webhook
 * middleware (webhook-observer.ts) and the store's timings; gauges are read at scrape time.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly stops: Array<() => void> = [];
  private readonly webhookStatus: (status: string) => Counter.Internal;
  private readonly ackSeconds: Histogram;

  constructor(runtime: Runtime, options: BotMetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    const received = new Counter({ name: 'chartbot_messages_received_total', help: 'Inbound messages taken up (re-deliveries excluded), by kind (text, button, list, flow, order, media, …).', labelNames: ['kind'], registers });
    const receivedOf = children((type) => received.labels(type.startsWith('user.') ? type.slice(5) : type));
    const replies = new Counter({ name: 'chartbot_replies_total', help: 'Replies that left the outbox: sent (accepted by the gateway), refused (for good, by the gateway or the 24-hour window), failed (given up after retryable failures).', labelNames: ['kind', 'outcome'], registers });
    const repliesOf = { sent: children((kind) => replies.labels(kind, 'sent')), failed: children((kind) => replies.labels(kind, 'failed')), refused: children((kind) => replies.labels(kind, 'refused')) };
    const receipts = new Counter({ name: 'chartbot_read_receipts_total', help: 'Read receipts sent, or dropped after their brief retries.', labelNames: ['outcome'], registers });
    const receiptsOf = { sent: receipts.labels('sent'), failed: receipts.labels('failed') };
    const providerErrors = new Counter({ name: 'chartbot_provider_errors_total', help: "Failed gateway calls (every attempt of a reply or read receipt), by provider and the gateway's error code.", labelNames: ['provider', 'code'], registers });
    const providerErrorsOf = children((provider) => children((code) => providerErrors.labels(provider, code)));
    const providerRetries = new Counter({ name: 'chartbot_provider_retries_total', help: 'Failed gateway calls that will be tried again.', labelNames: ['provider'], registers });
    const providerRetriesOf = children((provider) => providerRetries.labels(provider));
    const flowErrors = new Counter({ name: 'chartbot_flow_errors_total', help: 'Steps whose flow threw, looped past its budget or timed out on a service.', labelNames: ['flow'], registers });
    const flowErrorsOf = children((flow) => flowErrors.labels(flow));
    const webhookRequests = new Counter({ name: 'chartbot_webhook_requests_total', help: 'Answers to POST /webhook, by HTTP status (401: bad signature, 413: too large, 503: not recorded).', labelNames: ['status'], registers });
    this.webhookStatus = children((status) => webhookRequests.labels(status));

    const stepSeconds = new Histogram({ name: 'chartbot_step_duration_seconds', help: "One run of a contact's machine on one event, its save included.", labelNames: ['flow'], buckets: STEP_BUCKETS, registers });
    const stepSecondsOf = children((flow) => stepSeconds.labels(flow));
    const firstReply = new Histogram({ name: 'chartbot_inbound_to_reply_seconds', help: 'From an inbound message taken up to the first reply to that contact the gateway accepted.', buckets: REPLY_BUCKETS, registers });
    this.ackSeconds = new Histogram({ name: 'chartbot_webhook_ack_seconds', help: "From a webhook POST's arrival to its 200, the inbox journal's fsync included.", buckets: ACK_BUCKETS, registers });
    const fsyncSeconds = new Histogram({ name: 'chartbot_journal_fsync_seconds', help: "One group commit's fsync, by journal (store: contact records; inbox: webhook batches).", labelNames: ['journal'], buckets: FSYNC_BUCKETS, registers });
    const fsyncOf = children((journal) => fsyncSeconds.labels(journal));
    const roundTrips = new Histogram({ name: 'chartbot_store_round_trip_seconds', help: 'Round trips to a store kept on a server (e.g. Redis), by operation; none for the file store.', labelNames: ['operation'], buckets: ROUND_TRIP_BUCKETS, registers });
    const roundTripsOf = children((operation) => roundTrips.labels(operation));

    new Gauge({ name: 'chartbot_backlog', help: "Contact jobs queued or running (messages, statuses, timers, deliveries).", registers, collect() { this.set(runtime.backlog); } });
    new Gauge({ name: 'chartbot_timers_pending', help: 'Contacts with a pending timer (delayed event).', registers, collect() { this.set(runtime.timersPending); } });
    // Read from the hand-over index at scrape time (both built-in stores keep one).
    new Gauge({ name: 'chartbot_handovers_open', help: 'Conversations in a hand-over to people (a state tagged handover) now.', registers, async collect() { this.set((await runtime.handovers.list()).length); } });
    new Gauge({ name: 'chartbot_parked_messages', help: 'Parked messages: inbound messages whose flow failed and replies given up, waiting for POST /api/parked/{id}/retry.', registers, async collect() { this.set((await runtime.parked.list()).length); } });

    const latency = new FirstReplyLatency((seconds) => firstReply.observe(seconds));
    this.stops.push(
      runtime.on('inbound', ({ key, event }) => {
        receivedOf(event.type).inc();
        latency.inbound(key);
      }),
      runtime.on('step', (step) => {
        stepSecondsOf(step.flow).observe(step.durationMs / 1000);
        if (step.error !== undefined) flowErrorsOf(step.flow).inc();
        latency.step(step);
      }),
      runtime.on('reply', (reply) => {
        repliesOf[replyOutcome(reply)](reply.message.type).inc();
        latency.reply(reply);
      }),
      runtime.on('receipt', ({ outcome }) => receiptsOf[outcome].inc()),
      runtime.on('providerError', (report: ProviderErrorReport) => {
        providerErrorsOf(report.provider)(String(report.error.code)).inc();
        if (report.willRetry) providerRetriesOf(report.provider).inc();
      }),
    );
    const stopStore = options.store?.observe?.({
      journalFsync: (journal, seconds) => fsyncOf(journal).observe(seconds),
      roundTrip: (operation, seconds) => roundTripsOf(operation).observe(seconds),
    });
    if (stopStore) this.stops.push(stopStore);
    if (options.inbox) this.stops.push(options.inbox.journal.fsyncTimings.add((seconds) => fsyncOf('inbox').observe(seconds)));
  }

  /** A POST /webhook was answered with `status`; `seconds` since it arrived (observed for 200s). */
  webhookAnswered(status: number, seconds: number): void {
    this.webhookStatus(String(status)).inc();
    if (status === 200) this.ackSeconds.observe(seconds);
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stops listening (the bot is closing). */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
