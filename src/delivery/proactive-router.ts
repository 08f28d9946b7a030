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
 *   Answers 200 `{ results: [{ messageId } | { error: { code, title }, retrying? } | { queued: true }] }`:
 *   `retrying` means the gateway failed in a retryable way and the message stays in the contact's
 *   outbox for another attempt; `queued`, that it waits behind an earlier message that does.
 * - `GET /api/messages/{messageId}?businessNumberId=…&to=…` → `{ status, at, type, errors? }` or 404.
 *
 * Every request needs `Authorization: Bearer <CHARTBOT_API_TOKEN>`.
 */
export function proactiveRouter(runtime: Runtime, token: string): Router {
  // Case-sensitive, with the token checked on each route (see admin-router.ts).
  const router = new Router({ prefix: '/api', sensitive: true });
  const auth = requireBearer(token);
  router.post('/messages', auth, async (ctx) => {
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
    // flow.* events come from the Flows data endpoint only (signed, per contact): never from this API.
    if (isEvent && /^flow\./.test((event as { type: string }).type)) {
      ctx.status = 400;
      ctx.body = { error: `event type ${(event as { type: string }).type} is reserved: use your own prefix, e.g. api.${(event as { type: string }).type.split('.').pop()}` };
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
    ctx.body = { results: sent.map(describeResult) };
  });
  router.get('/messages/:messageId', auth, async (ctx) => {
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

/** One message's result as the API shows it. */
function describeResult(sent: SentReply): Record<string, unknown> {
  const type = sent.message.type;
  if (sent.messageId) return { messageId: sent.messageId, type };
  if (sent.queued) return { type, queued: true };
  return { type, error: { code: sent.error?.code, title: sent.error?.title }, ...(sent.willRetry ? { retrying: true } : {}) };
}
