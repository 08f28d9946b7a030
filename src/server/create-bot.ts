import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { Runtime, type RuntimeOptions } from '../conversation/runtime.ts';
import { createLogger } from '../logger.ts';
import { lowdbStore } from '../store/lowdb-store.ts';
import type { SessionStore } from '../store/session-store.ts';
import { webhookRouter } from '../webhook/webhook-router.ts';
import { proactiveRouter } from '../delivery/proactive-router.ts';

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
  /** Enables the proactive-message API (`/api/messages`), guarded by this bearer token. */
  apiToken?: string;
}

export interface Bot {
  app: Koa;
  runtime: Runtime;
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
        logger.error({ file, quarantinedAs, err: error }, 'corrupt contact file moved aside; that contact starts over'),
      onJournalError: (error) => logger.error({ err: error }, 'journal checkpoint failed: the journal is kept and replayed at the next start'),
    }));
  const runtime = new Runtime({ ...options, store, logger });
  await runtime.start();

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
    onWebhook: (parsed) => runtime.dispatch(parsed),
    logger,
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    bodyLimit: options.bodyLimit,
    accepting: () => accepting,
  });
  app.use(health.routes()).use(webhook.routes()).use(webhook.allowedMethods());
  if (options.apiToken) {
    const api = proactiveRouter(runtime, options.apiToken);
    app.use(api.routes()).use(api.allowedMethods());
  }

  return {
    app,
    runtime,
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
      await runtime.close();
      await closing;
    },
  };
}
