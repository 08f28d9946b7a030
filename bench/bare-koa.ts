/**
 * The same-run baseline: a bare Koa 3 server with @koa/router that reads the same POSTs as raw
 * bytes, parses the JSON and answers 200, nothing else. chartbot's throughput is reported as a
 * ratio to this, which holds on a machine whose absolute speed varies with other load.
 */
import Router from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { serveOnLoopback } from './ipc.ts';

const app = new Koa();
const router = new Router();
router.post('/webhook', async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 1024 * 1024, length: ctx.get('content-length') || undefined });
  const body = JSON.parse(raw.toString('utf8')) as { entry?: unknown[] };
  ctx.body = { received: Array.isArray(body.entry) ? body.entry.length : 0 };
});
app.use(router.routes());

await serveOnLoopback(app.callback());
