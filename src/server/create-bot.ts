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
import { TemplateCatalog, type TemplateCatalogOptions } from '../templates/template-catalog.ts';
import { FlowsEndpoint, type FlowsEndpointOptions } from '../flows-endpoint/flows-endpoint.ts';
import { loadFlowsPrivateKey } from '../flows-endpoint/flow-crypto.ts';
import { flowTokenKey, FlowTokenIssuer } from '../flows-endpoint/flow-token.ts';
import { systemClock } from '../conversation/clock.ts';

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
  runtime: Runtime;
  /** The template check's catalog, when `templates` is set. */
  templates?: TemplateCatalog;
  /** The Flows data endpoint, when `flowsEndpoint` is set (its token issuer, for tests and tools). */
  flows?: FlowsEndpoint;
  /** The inbox journal, when on (its backlog and commit statistics). */
  inbox?: DurableInbox;
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
  const templates =
    options.templates === undefined ? undefined : options.templates instanceof TemplateCatalog ? options.templates : new TemplateCatalog({ logger, ...options.templates });
  const clock = options.clock ?? systemClock;
  const flowsKey = options.flowsEndpoint
    ? typeof options.flowsEndpoint.privateKey === 'string'
      ? loadFlowsPrivateKey(options.flowsEndpoint.privateKey, options.flowsEndpoint.passphrase)
      : options.flowsEndpoint.privateKey
    : undefined;
  const flowTokens = flowsKey ? new FlowTokenIssuer(flowTokenKey(flowsKey), () => clock.now(), options.flowsEndpoint?.tokenTtlMs) : undefined;
  const delivery = { ...options.delivery, ...(templates ? { templates } : {}), ...(flowTokens ? { flowTokens } : {}) };
  const runtime = new Runtime({ ...options, delivery, store, logger, parked, ...(sentLog ? { sentLog } : {}) });
  await runtime.start();
  const inbox = journaled === false ? undefined : await openInbox((parsed) => runtime.dispatch(parsed), logger, options.dataDir ?? './data', journaled);
  // Template status webhooks are not conversation events (the inbox journal skips them): they only
  // tell the template check to refetch, as soon as they arrive.
  const noteTemplateUpdates = (parsed: ParsedWebhook): void => {
    if (!parsed.templateUpdates?.length || !templates) return;
    logger.info({ updates: parsed.templateUpdates }, 'message templates changed: the template check refetches them');
    templates.invalidate();
  };

  let accepting = true;
  let server: Server | undefined;
  const app = new Koa();
  app.silent = true; // errors are logged below, once, with context
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
    onWebhook: (parsed) => (noteTemplateUpdates(parsed), runtime.dispatch(parsed)),
    ...(inbox ? { record: (raw: Buffer, parsed: ParsedWebhook) => (noteTemplateUpdates(parsed), inbox.accept(raw, parsed)) } : {}),
    logger,
    appSecret: options.appSecret,
    dialog360Secret: options.dialog360Secret,
    webhookHeader: options.webhookHeader,
    verifyToken: options.verifyToken,
    bodyLimit: options.bodyLimit,
    accepting: () => accepting,
  });
  app.use(health.routes()).use(webhook.routes()).use(webhook.allowedMethods());
  const flows =
    options.flowsEndpoint && flowsKey && flowTokens
      ? new FlowsEndpoint(runtime, { ...options.flowsEndpoint, privateKey: flowsKey }, logger, options.appSecret, clock, flowTokens)
      : undefined;
  if (flows) {
    if (!options.appSecret) logger.warn('SECURITY: the Flows endpoint runs without WHATSAPP_APP_SECRET: request signatures are not checked (flow tokens are still signed)');
    const routes = flows.routes(() => accepting && !runtime.isClosed);
    app.use(routes.routes()).use(routes.allowedMethods());
  }
  if (options.apiToken) {
    const api = proactiveRouter(runtime, options.apiToken);
    app.use(api.routes()).use(api.allowedMethods());
    const admin = adminRouter(runtime, options.apiToken);
    app.use(admin.routes()).use(admin.allowedMethods());
  }

  return {
    app,
    runtime,
    ...(inbox ? { inbox } : {}),
    ...(templates ? { templates } : {}),
    ...(flows ? { flows } : {}),
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
      // A catalog passed in is the caller's to close.
      if (templates && !(options.templates instanceof TemplateCatalog)) await templates.close();
    },
  };
}

/** Opens the inbox journal under `dataDir` and queues what it held unprocessed. */
async function openInbox(dispatch: (parsed: ParsedWebhook) => Promise<void>, logger: Logger, dataDir: string, settings: true | JournalSettings): Promise<DurableInbox> {
  const { inbox, pending } = await DurableInbox.open({
    dir: join(dataDir, 'inbox'),
    ...(settings === true ? {} : settings),
    process: dispatch,
    logger,
  });
  inbox.replay(pending);
  return inbox;
}
