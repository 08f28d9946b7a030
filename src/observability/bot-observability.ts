import type Koa from 'koa';
import type { Middleware } from 'koa';
import type { Runtime } from '../conversation/runtime.ts';
import type { DurableInbox } from '../durability/durable-inbox.ts';
import type { SessionStore } from '../store/session-store.ts';
import { BotMetrics } from './bot-metrics.ts';
import { historyRouter } from './history-router.ts';
import { metricsRouter } from './metrics-router.ts';
import { observeWebhooks } from './webhook-observer.ts';

/** `BotOptions.metrics`: `true` (or CHARTBOT_METRICS=true) serves `GET /metrics`. */
export interface MetricsOptions {
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>` (CHARTBOT_METRICS_TOKEN). */
  token?: string;
  /** prom-client's process and Node metrics (default true). */
  defaultMetrics?: boolean;
}

/** What `createBot` mounts for observability (docs/observability.md). */
export interface BotObservability {
  /** The bot's metrics, when on. */
  metrics?: BotMetrics;
  /** Around every `POST /webhook`: its span, and its status and latency for the metrics. Mount it first, to see every final answer. */
  webhooks: Middleware;
  /**
   * Mounts `GET /metrics` (metrics on) and the history API (with an API token) on `app`: the API's
   * own app when it has a port of its own (internal endpoints together), else the webhook's.
   */
  mount(app: Koa): void;
  /** Stops the metrics' listeners. */
  close(): void;
}

/**
 * Metrics (when asked for), the webhook spans, and the history API (with the API token). Tracing is
 * always wired: it is the OpenTelemetry API's no-op until an SDK is registered.
 */
export function observeBot(parts: { runtime: Runtime; store: SessionStore; inbox?: DurableInbox; metrics?: boolean | MetricsOptions; apiToken?: string }): BotObservability {
  const settings = parts.metrics === true ? {} : parts.metrics || undefined;
  const metrics = settings ? new BotMetrics(parts.runtime, { store: parts.store, ...(parts.inbox ? { inbox: parts.inbox } : {}), ...(settings.defaultMetrics === false ? { defaultMetrics: false } : {}) }) : undefined;
  return {
    ...(metrics ? { metrics } : {}),
    webhooks: observeWebhooks(metrics),
    mount(app) {
      if (metrics && settings) {
        const router = metricsRouter(metrics, settings.token);
        app.use(router.routes()).use(router.allowedMethods());
      }
      if (parts.apiToken) {
        const router = historyRouter(parts.runtime, parts.apiToken);
        app.use(router.routes()).use(router.allowedMethods());
      }
    },
    close() {
      metrics?.close();
    },
  };
}
