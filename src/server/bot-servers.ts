import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/**
 * Limits on slow or silent clients. A client that never finishes its headers (slowloris), never
 * finishes its body, or holds a connection open without sending anything is cut off instead of
 * holding a socket (and its memory) for ever.
 */
export interface HttpTimeouts {
  /** Time to receive a request's headers (default 10 s). */
  headersMs?: number;
  /** Time to receive a whole request (default 30 s). */
  requestMs?: number;
  /** A connection with no traffic is closed after this (default 30 s); keep-alive idle time is 5 s. */
  idleMs?: number;
}

const DEFAULTS = { headersMs: 10_000, requestMs: 30_000, idleMs: 30_000, keepAliveMs: 5_000 };

function makeServer(app: Koa, timeouts: HttpTimeouts | undefined): Server {
  const headersMs = timeouts?.headersMs ?? DEFAULTS.headersMs;
  const requestMs = Math.max(headersMs, timeouts?.requestMs ?? DEFAULTS.requestMs);
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      keepAliveTimeout: DEFAULTS.keepAliveMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersMs / 2))),
    },
    app.callback(),
  );
  server.setTimeout(timeouts?.idleMs ?? DEFAULTS.idleMs, (socket) => socket.destroy());
  return server;
}

/** The bot's HTTP listeners: the webhook's, and the API's when it has a port of its own. */
export class BotServers {
  private readonly servers: Server[] = [];

  constructor(
    private readonly app: Koa,
    private readonly apiApp: Koa | undefined,
    private readonly timeouts: HttpTimeouts | undefined,
  ) {}

  async listen(port: number, host: string, apiPort: number | undefined): Promise<{ port: number; url: string; apiUrl?: string }> {
    const main = await this.start(this.app, port, host);
    if (!this.apiApp) return main;
    const api = await this.start(this.apiApp, apiPort ?? 0, host);
    return { ...main, apiUrl: api.url };
  }

  /** Stops listening; requests in flight get 2 s to finish (they only wait for the journal's commit). */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(async (server) => {
        const closing = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const straggler = setTimeout(() => server.closeAllConnections(), 2000);
        await closing;
        clearTimeout(straggler);
      }),
    );
  }

  private async start(app: Koa, port: number, host: string): Promise<{ port: number; url: string }> {
    const server = makeServer(app, this.timeouts);
    server.listen(port, host);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw error;
      }),
    ]);
    this.servers.push(server);
    const address = server.address() as AddressInfo;
    return { port: address.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
  }
}
