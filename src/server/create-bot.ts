import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { Runtime, type RuntimeOptions } from '../conversation/runtime.ts';
import { createLogger, type Logger } from '../logger.ts';
import { lowdbStore } from '../store/lowdb-store.ts';
import type { SessionStore } from '../store/session-store.ts';
import { webhookRouter } from '../webhook/webhook-router.ts';
import { proactiveRouter } from '../delivery/proactive-router.ts';
import { adminRouter } from '../admin/admin-router.ts';
import { fileParkedStore, memoryParkedStore } from '../isolation/parked-store.ts';
import { DurableInbox } from '../durability/durable-inbox.ts';
import { SentLog } from '../durability/sent-log.ts';
import type { InboxJournalOptions } from '../durability/inbox-journal.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { join } from 'node:path';
import { observeBot, type MetricsOptions } from '../observability/bot-observability.ts';
import type { BotMetrics } from '../observability/bot-metrics.ts';

/** Inbox journal settings a bot can tune (see `InboxJournalOptions`). */
export type JournalSettings = Pick<InboxJournalOptions, 'fsync' | 'groupCommit' | 'commitDelayMs' | 'segmentBytes'>;

export interface BotOptions extends Omit<RuntimeOptions, 'store'> {
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
}

export interface Bot {
  app: Koa;
  runtime: Runtime;
  /** The inbox journal, when on (its backlog and commit statistics). */
  inbox?: DurableInbox;
  /** The bot's metrics (its own prom-client registry), when `metrics` is on. */
  metrics?: BotMetrics;
  /** Listens on `port` (0: an ephemeral port) and resolves with the address. */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops accepting webhooks (503), finishes in-flight work, flushes state, closes the server. */
  close(): Promise<void>;
}

/**
 * Builds a bot: a Koa app with `GET/POST /webhook` and `GET /health`, the conversation runtime,
 * and its store, with pending timers re-armed.
 */
export async function createBot(options: BotOptions): Promise<Bot> {
  const logger = options.logger ?? createLogger();
  const store =
    options.store ??
    (await lowdbStore({
      dir: options.dataDir ?? './data',
      onCorrupt: (file, quarantinedAs, error) =>
        file.endsWith('.jsonl')
          ? logger.error({ file, quarantinedAs, err: error }, 'damaged index copied aside; rebuilt from the contact records')
          : logger.error({ file, quarantinedAs, err: error }, 'corrupt contact file moved aside; that contact starts over'),
      writeAhead: options.storeWriteAhead !== false,
      onJournalError: (error) => logger.error({ err: error }, 'journal checkpoint failed: the journal is kept and replayed at the next start'),
    }));
  // Parked messages live beside the contact files; with a custom store, in memory unless given.
  const parked = options.parked ?? (options.store ? memoryParkedStore() : await fileParkedStore(options.dataDir ?? './data'));
  const journaled = options.journal ?? options.store === undefined;
  const sentLog = journaled === false ? undefined : new SentLog(join(options.dataDir ?? './data', 'sent'));
  const runtime = new Runtime({ ...options, store, logger, parked, ...(sentLog ? { sentLog } : {}) });
  await runtime.start();
  const inbox = journaled === false ? undefined : await openInbox(runtime, logger, options.dataDir ?? './data', journaled);

  let accepting = true;
  let server: Server | undefined;
  const app = new Koa();
  app.silent = true; // errors are logged below, once, with context
  // Observability (src/observability): webhook spans and metrics first, to see every final answer.
  const observability = observeBot({ runtime, store, ...(inbox ? { inbox } : {}), metrics: options.metrics, apiToken: options.apiToken });
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
  const health = new Router();
  health.get('/health', (ctx) => {
    const ready = accepting && !runtime.isClosed;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ok' : 'stopping', flows: runtime.registry.flows.map((f) => f.name), backlog: runtime.backlog };
  });
  const webhook = webhookRouter({
    onWebhook: (parsed) => runtime.dispatch(parsed),
    ...(inbox ? { record: (raw: Buffer, parsed: ParsedWebhook) => inbox.accept(raw, parsed) } : {}),
    logger,
    appSecret: options.appSecret,
    dialog360Secret: options.dialog360Secret,
    webhookHeader: options.webhookHeader,
    verifyToken: options.verifyToken,
    bodyLimit: options.bodyLimit,
    accepting: () => accepting,
  });
  app.use(health.routes()).use(webhook.routes()).use(webhook.allowedMethods());
  if (options.apiToken) {
    const api = proactiveRouter(runtime, options.apiToken);
    app.use(api.routes()).use(api.allowedMethods());
    const admin = adminRouter(runtime, options.apiToken);
    app.use(admin.routes()).use(admin.allowedMethods());
  }
  observability.mount(app); // GET /metrics, GET /api/sessions/{businessNumberId}/{waId}/history

  return {
    app,
    runtime,
    ...(inbox ? { inbox } : {}),
    ...(observability.metrics ? { metrics: observability.metrics } : {}),
    async listen(port = 0, host = '127.0.0.1') {
      server = app.listen(port, host);
      await once(server, 'listening');
      const address = server.address() as AddressInfo;
      return { port: address.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
    },
    async close() {
      accepting = false;
      const closing = server ? new Promise<void>((resolve) => server?.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections();
      // Requests in flight only wait for the journal's commit: let them finish before it closes.
      const straggler = setTimeout(() => server?.closeAllConnections(), 2000);
      await closing;
      clearTimeout(straggler);
      await runtime.close();
      await inbox?.close();
      sentLog?.close();
      observability.close();
    },
  };
}

/** Opens the inbox journal under `dataDir` and queues what it held unprocessed. */
async function openInbox(runtime: Runtime, logger: Logger, dataDir: string, settings: true | JournalSettings): Promise<DurableInbox> {
  const { inbox, pending } = await DurableInbox.open({
    dir: join(dataDir, 'inbox'),
    ...(settings === true ? {} : settings),
    process: (parsed) => runtime.dispatch(parsed),
    logger,
  });
  inbox.replay(pending);
  return inbox;
}
