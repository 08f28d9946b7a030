import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { studioRouter, type StreamCloser } from './routes.ts';
import { Studio, type StudioOptions } from './studio.ts';

/** The studio only ever listens on loopback: it runs the developer's flows and writes into their project. */
export const STUDIO_HOST = '127.0.0.1';

export interface StudioServerOptions extends StudioOptions {
  /** 0 picks a free port. */
  port: number;
}

export interface StudioServer {
  studio: Studio;
  url: string;
  port: number;
  close(): Promise<void>;
}

function isHttpError(error: unknown): error is { status: number; expose: boolean; message: string } {
  return typeof error === 'object' && error !== null && 'status' in error && 'expose' in error;
}

/**
 * Starts the studio: loads and watches the flows, and serves the page on
 * `http://127.0.0.1:<port>/`. Requests must name this host (no DNS-rebinding from other sites).
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const studio = await Studio.open(options);
  const streams: StreamCloser = new Set();
  const app = new Koa();
  app.silent = true;
  let allowedHosts = new Set<string>();
  app.use(async (ctx, next) => {
    if (!allowedHosts.has(ctx.host)) {
      ctx.status = 421;
      ctx.body = { error: `the studio answers requests for ${[...allowedHosts].join(' or ')} only` };
      return;
    }
    try {
      await next();
    } catch (error) {
      // Mistakes of the request (a tap on nothing, a bad argument) come back as 400 with the reason.
      ctx.status = isHttpError(error) ? error.status : 400;
      ctx.body = { error: error instanceof Error ? error.message : String(error) };
    }
  });
  const router = studioRouter(studio, streams);
  app.use(router.routes()).use(router.allowedMethods());

  const server: Server = app.listen(options.port, STUDIO_HOST);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  } catch (error) {
    await studio.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${options.port} is in use: pass --port <n> or set PORT`, { cause: error });
    }
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`${STUDIO_HOST}:${port}`, `localhost:${port}`]);
  return {
    studio,
    url: `http://${STUDIO_HOST}:${port}/`,
    port,
    async close() {
      for (const end of [...streams]) end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await studio.close();
    },
  };
}
