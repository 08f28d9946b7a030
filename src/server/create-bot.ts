import Koa from 'koa';
import { Runtime, type RuntimeOptions } from '../conversation/runtime.ts';
import { createLogger } from '../logger.ts';
import type { SessionStore } from '../store/session-store.ts';
import { webhookRouter } from '../webhook/webhook-router.ts';
import { proactiveRouter } from '../delivery/proactive-router.ts';
import { adminRouter } from '../admin/admin-router.ts';
import { guardApiPaths } from '../api/api-guard.ts';
import type { DurableInbox } from '../durability/durable-inbox.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { redisStorage, type RedisOption } from '../redis/redis-storage.ts';
import { HealthMonitor, healthRouter } from './health.ts';
import { BotServers, type HttpTimeouts } from './bot-servers.ts';
import { localStorage, type JournalSettings } from './bot-storage.ts';
import { flowsAndTemplates } from './flows-and-templates.ts';
import type { TemplateCatalog, TemplateCatalogOptions } from '../templates/template-catalog.ts';
import type { FlowsEndpoint, FlowsEndpointOptions } from '../flows-endpoint/flows-endpoint.ts';
import { observeBot, type MetricsOptions } from '../observability/bot-observability.ts';
import type { BotMetrics } from '../observability/bot-metrics.ts';
import { handoverWiring, type HandoverBotOptions } from '../handover/handover-wiring.ts';

export type { JournalSettings } from './bot-storage.ts';

/**
 * Default `maxBacklog`: jobs queued before webhooks are refused with 503. Measured under a flood of
 * new contacts (docs/performance.md#memory-under-a-webhook-flood): about 17 KB of peak RSS per job.
 */
export const DEFAULT_MAX_BACKLOG = 10_000;

export interface BotOptions extends Omit<RuntimeOptions, 'store'>, HandoverBotOptions {
  /** Where state lives; default: lowdb files under `dataDir`. */
  store?: SessionStore;
  /** Folder for the default lowdb store (default `./data`). */
  dataDir?: string;
  /** When set, every webhook POST must carry a valid `X-Hub-Signature-256`. */
  appSecret?: string;
  /** Token answering Meta's `GET /webhook` challenge. */
  verifyToken?: string;
  /** Largest webhook body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** 360dialog's `x-360dialog-signature` secret (HMAC-SHA256 of the body; hex or base64 accepted). */
  dialog360Secret?: string;
  /** A shared-secret header every webhook POST must carry, for gateways that do not sign. */
  webhookHeader?: { name: string; secret: string };
  /**
   * The inbox journal (`<dataDir>/inbox`): the webhook answers 200 only once a batch is fsync'd
   * there, and batches not processed before a crash are processed at the next start. On by default
   * with the default lowdb store; `true` or options turn it on with another store, `false` off.
   */
  journal?: boolean | JournalSettings;
  /** The default lowdb store's write-ahead journal (default true; see `LowdbStoreOptions.writeAhead`). */
  storeWriteAhead?: boolean;
  /** Enables the proactive-message API (`/api/messages`) and the admin API (`/api/sessions`, `/api/parked`), guarded by this bearer token. */
  apiToken?: string;
  /** Prometheus metrics at `GET /metrics` (CHARTBOT_METRICS=true; see docs/observability.md). */
  metrics?: boolean | MetricsOptions;
  /**
   * Serve the `/api` routes on this port instead of the webhook's (`CHARTBOT_API_PORT`), e.g. one
   * that only the internal network reaches. 0: an ephemeral port.
   */
  apiPort?: number;
  /**
   * Jobs queued (messages and statuses not yet handled) beyond which `POST /webhook` answers 503
   * with `Retry-After` and records nothing (`CHARTBOT_MAX_BACKLOG`, default 10,000): memory stays
   * bounded and the gateway re-delivers later.
   */
  maxBacklog?: number;
  /** HTTP server timeouts against slow or silent clients (see `HttpTimeouts`). */
  http?: HttpTimeouts;
  /**
   * Keep everything in Redis and coordinate with every other instance on it (CHARTBOT_REDIS_URL):
   * contact records, inboxes, leases, parked messages. `dataDir`, `store` and `journal` are then
   * not used. See docs/scaling.md.
   */
  redis?: RedisOption;
  /**
   * Check every template send against the business account's templates before sending it
   * (`CHARTBOT_TEMPLATE_CHECK=true`): where to read them (`wabaId` + `token`, or `load`), or a
   * catalog you built. A mismatch fails the send with `bot.failed`, without an HTTP call.
   */
  templates?: TemplateCatalogOptions | TemplateCatalog;
  /**
   * Serve the WhatsApp Flows data endpoint (`POST /flows/endpoint`) with this key pair's private key
   * (WHATSAPP_FLOWS_PRIVATE_KEY): Flow requests reach the contact's machine as `flow.exchange`.
   * Requests must carry a valid X-Hub-Signature-256 when `appSecret` is set.
   */
  flowsEndpoint?: FlowsEndpointOptions;
}

export interface Bot {
  app: Koa;
  /** The app serving `/api` when `apiPort` is set (otherwise `app` serves it). */
  apiApp?: Koa;
  runtime: Runtime;
  /** The template check's catalog, when `templates` is set. */
  templates?: TemplateCatalog;
  /** The Flows data endpoint, when `flowsEndpoint` is set (its token issuer, for tests and tools). */
  flows?: FlowsEndpoint;
  /** The inbox journal, when on (its backlog and commit statistics). */
  inbox?: DurableInbox;
  /** The bot's metrics (its own prom-client registry), when `metrics` is on. */
  metrics?: BotMetrics;
  /** What `/health` reports (problems such as a full disk). */
  health: HealthMonitor;
  /**
   * Listens on `port` (0: an ephemeral port) and, with `apiPort`, serves the API on that port too.
   * Resolves with the addresses.
   */
  listen(port?: number, host?: string): Promise<{ port: number; url: string; apiUrl?: string }>;
  /** Stops accepting webhooks (503), finishes in-flight work, flushes state, closes the server. */
  close(): Promise<void>;
}

/**
 * Builds a bot: a Koa app with `GET/POST /webhook` and `GET /health`, the conversation runtime,
 * and its store, with pending timers re-armed and unprocessed batches replayed.
 */
export async function createBot(options: BotOptions): Promise<Bot> {
  const logger = options.logger ?? createLogger();
  const health = new HealthMonitor();
  const storage = options.redis ? await redisStorage(options.redis, logger, health) : await localStorage(options, logger, health);
  const extras = flowsAndTemplates(options, logger);
  const handover = handoverWiring(options, logger); // agent webhook, Chatwoot, agent API (src/handover)
  const runtime = new Runtime({
    ...options,
    delivery: extras.delivery,
    store: storage.store,
    logger,
    parked: storage.parked,
    handover: handover.options,
    ...(storage.sentLog ? { sentLog: storage.sentLog } : {}),
    ...(storage.coordination ? { coordination: storage.coordination } : {}),
  });
  await runtime.start();
  const maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;

  let state: 'starting' | 'accepting' | 'stopping' = 'starting';
  const intake = await storage.openIntake(runtime, maxBacklog);
  const inbox = intake.inbox;
  // New webhooks wait (503 "starting") until what the last run left is queued: each contact's order.
  void intake.ready.then(() => {
    if (state === 'starting') state = 'accepting';
  });

  const app = new Koa();
  app.silent = true; // errors are logged below, once, with context
  // Observability (src/observability): webhook spans and metrics first, to see every final answer.
  const observability = observeBot({ runtime, store: storage.store, ...(inbox ? { inbox } : {}), metrics: options.metrics, apiToken: options.apiToken });
  app.use(observability.webhooks);
  app.on('error', (error: unknown) => logger.error({ err: error }, 'http error'));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      logger.error({ err: error, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal error' };
    }
  });
  const apiApp = options.apiPort === undefined ? undefined : new Koa();
  // Anything under /api, however spelled, needs the token; on the webhook's port it is 404 when the API has its own.
  app.use(guardApiPaths(apiApp ? undefined : options.apiToken));
  const healthRoutes = healthRouter({
    monitor: health,
    notAccepting: () => (state === 'accepting' && !runtime.isClosed ? undefined : state === 'starting' ? 'starting' : 'stopping'),
    flows: () => runtime.registry.flows.map((f) => f.name),
    backlog: () => runtime.backlog,
    store: storage.kind,
  });
  const webhook = webhookRouter({
    onWebhook: (parsed) => (extras.noteTemplateUpdates(parsed), runtime.dispatch(parsed)),
    ...(intake.record ? { record: (raw: Buffer, parsed: ParsedWebhook) => (extras.noteTemplateUpdates(parsed), intake.record!(raw, parsed)) } : {}),
    logger,
    appSecret: options.appSecret,
    dialog360Secret: options.dialog360Secret,
    webhookHeader: options.webhookHeader,
    verifyToken: options.verifyToken,
    bodyLimit: options.bodyLimit,
    accepting: () => state === 'accepting',
    overloaded: () => (runtime.backlog >= maxBacklog ? `backlog of ${runtime.backlog} jobs (CHARTBOT_MAX_BACKLOG=${maxBacklog})` : undefined),
  });
  app.use(healthRoutes.routes()).use(webhook.routes()).use(webhook.allowedMethods());
  extras.mount(app, runtime, () => state === 'accepting' && !runtime.isClosed);
  if (options.apiToken) {
    const target = apiApp ?? app;
    if (apiApp) apiApp.use(guardApiPaths(options.apiToken)).use(healthRoutes.routes());
    for (const router of [proactiveRouter(runtime, options.apiToken), adminRouter(runtime, options.apiToken), ...handover.apiRouters(runtime, options.apiToken)]) {
      target.use(router.routes()).use(router.allowedMethods());
    }
  }
  observability.mount(apiApp ?? app); // GET /metrics, GET /api/sessions/{businessNumberId}/{waId}/history
  for (const router of handover.publicRouters(runtime)) app.use(router.routes()).use(router.allowedMethods()); // Chatwoot's webhook

  const servers = new BotServers(app, apiApp, options.http);
  return {
    app,
    ...(apiApp ? { apiApp } : {}),
    runtime,
    ...(inbox ? { inbox } : {}),
    ...(extras.templates ? { templates: extras.templates } : {}),
    ...(extras.flows ? { flows: extras.flows } : {}),
    ...(observability.metrics ? { metrics: observability.metrics } : {}),
    health,
    listen: (port = 0, host = '127.0.0.1') => servers.listen(port, host, options.apiPort),
    async close() {
      state = 'stopping';
      await servers.close();
      await runtime.close();
      await intake.close();
      await storage.close();
      await extras.close();
      observability.close();
    },
  };
}
