import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { CONTENT_SECURITY_POLICY, INDEX_HTML, pageScript, pageStyles } from './assets.ts';
import type { Studio } from './studio.ts';
import type { ClockRequest, ContactRequest, StudioView } from './view-types.ts';

const BODY_LIMIT = '256kb';
const PING_MS = 15_000;

/** A JSON request body. Requiring the JSON content type keeps other web pages from posting here (CORS preflight). */
async function jsonBody(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) ctx.throw(415, 'send JSON (Content-Type: application/json)');
  const text = await getRawBody(ctx.req, { limit: BODY_LIMIT, encoding: 'utf8' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || '{}');
  } catch {
    ctx.throw(400, 'the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) ctx.throw(400, 'the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Open event streams, ended when the server closes (a browser keeps them open forever). */
export type StreamCloser = Set<() => void>;

/** The studio's HTTP surface: the page and its assets, the view (JSON and a live stream), and the page's requests. */
export function studioRouter(studio: Studio, streams: StreamCloser): Router {
  const router = new Router();

  router.get('/', (ctx) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.type = 'html';
    ctx.body = INDEX_HTML;
  });
  router.get('/assets/studio.js', async (ctx) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await pageScript();
  });
  router.get('/assets/studio.css', async (ctx) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await pageStyles();
  });

  router.get('/api/view', (ctx) => {
    ctx.body = studio.view();
  });

  // Server-sent events: the whole view after every change (a reload, another tab's action).
  router.get('/api/events', (ctx) => {
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set('Content-Type', 'text/event-stream');
    ctx.set('Cache-Control', 'no-cache');
    const stream = new PassThrough();
    const send = (view: StudioView) => stream.write(`event: view\ndata: ${JSON.stringify(view)}\n\n`);
    const unsubscribe = studio.subscribe(send);
    const ping = setInterval(() => stream.write(': ping\n\n'), PING_MS);
    const end = () => {
      unsubscribe();
      clearInterval(ping);
      streams.delete(end);
      stream.end();
    };
    streams.add(end);
    ctx.req.on('close', end);
    ctx.status = 200;
    ctx.body = stream;
    send(studio.view());
  });

  router.get('/api/diagram/:flow', (ctx) => {
    const layout = studio.layout(ctx.params.flow ?? '');
    if (!layout) ctx.throw(404, `no diagram for flow ${ctx.params.flow ?? ''}`);
    ctx.body = layout;
  });

  router.post('/api/contacts', async (ctx) => {
    ctx.body = await studio.addContact(await jsonBody(ctx));
  });
  router.post('/api/contacts/:key/actions', async (ctx) => {
    ctx.body = await studio.act(ctx.params.key ?? '', (await jsonBody(ctx)) as unknown as ContactRequest);
  });
  router.post('/api/contacts/:key/transcript', async (ctx) => {
    await jsonBody(ctx);
    ctx.body = await studio.saveTest(ctx.params.key ?? '');
  });
  router.post('/api/clock', async (ctx) => {
    const body = await jsonBody(ctx);
    const advance = body.advance === 'next' ? 'next' : Number(body.advance);
    ctx.body = await studio.advance({ advance } as ClockRequest);
  });
  router.post('/api/rewind', async (ctx) => {
    const body = await jsonBody(ctx);
    ctx.body = await studio.rewind(Number(body.entry));
  });
  return router;
}
