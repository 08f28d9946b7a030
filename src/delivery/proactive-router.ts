import Router from '@koa/router';
import getRawBody from 'raw-body';
import { requireBearer } from '../api/bearer-auth.ts';
import type { Runtime, SentReply } from '../conversation/runtime.ts';
import type { OutboundMessage } from '../messages/outbound.ts';

/**
 * The authenticated HTTP side of proactive messaging, for other systems (shop, CRM):
 *
 * - `POST /api/messages` `{ businessNumberId, to, event }` → the event goes to the contact's machine;
 *   `{ businessNumberId, to, messages: [...] }` → sent directly. Both through the contact's queue.
 *   Answers 200 `{ results: [{ messageId } | { error: { code, title } }] }`.
 * - `GET /api/messages/{messageId}?businessNumberId=…&to=…` → `{ status, at, type, errors? }` or 404.
 *
 * Every request needs `Authorization: Bearer <CHARTBOT_API_TOKEN>`.
 */
export function proactiveRouter(runtime: Runtime, token: string): Router {
  const router = new Router({ prefix: '/api' });
  router.use(requireBearer(token));
  router.post('/messages', async (ctx) => {
    let body: unknown;
    try {
      body = JSON.parse(await getRawBody(ctx.req, { limit: '256kb', encoding: 'utf8' }));
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'body must be JSON' };
      return;
    }
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const { businessNumberId, to, event, messages } = b;
    if (typeof businessNumberId !== 'string' || typeof to !== 'string' || !/^\+?[0-9A-Za-z._-]{3,64}$/.test(to)) {
      ctx.status = 400;
      ctx.body = { error: 'businessNumberId and to are required strings' };
      return;
    }
    const isEvent = typeof event === 'object' && event !== null && typeof (event as { type?: unknown }).type === 'string';
    const isMessages = Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string');
    if (isEvent === isMessages) {
      ctx.status = 400;
      ctx.body = { error: 'give either event: { type, … } or messages: [ … ]' };
      return;
    }
    const waId = to.replace(/^\+/, '');
    let sent: SentReply[];
    try {
      sent = isEvent
        ? await runtime.notify(businessNumberId, waId, event as { type: string })
        : await runtime.sendMessages(businessNumberId, waId, messages as OutboundMessage[]);
    } catch (error) {
      ctx.status = 400;
      ctx.body = { error: error instanceof Error ? error.message : String(error) };
      return;
    }
    ctx.body = {
      results: sent.map((s) =>
        s.messageId ? { messageId: s.messageId, type: s.message.type } : { type: s.message.type, error: { code: s.error?.code, title: s.error?.title } },
      ),
    };
  });
  router.get('/messages/:messageId', async (ctx) => {
    const businessNumberId = ctx.query.businessNumberId;
    const to = ctx.query.to;
    if (typeof businessNumberId !== 'string' || typeof to !== 'string') {
      ctx.status = 400;
      ctx.body = { error: 'businessNumberId and to query parameters are required' };
      return;
    }
    const status = await runtime.messageStatus(businessNumberId, to.replace(/^\+/, ''), ctx.params.messageId ?? '');
    if (!status) {
      ctx.status = 404;
      ctx.body = { error: 'unknown message' };
      return;
    }
    ctx.body = status;
  });
  return router;
}
