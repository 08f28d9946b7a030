import Router from '@koa/router';
import type { Runtime } from '../conversation/runtime.ts';
import { requireBearer } from '../api/bearer-auth.ts';
import type { ContactRecord } from '../store/contact-record.ts';

/** What the admin API shows of one contact's conversation. */
export interface SessionSummary {
  key: string;
  businessNumberId: string;
  waId: string;
  flow?: string;
  /** The machine's state value; absent before the first message and after a final state. */
  state?: unknown;
  pendingTimers: number;
  lastInboundAt?: number;
  updatedAt: number;
}

function summary(record: ContactRecord): SessionSummary {
  const snapshot = record.snapshot as { value?: unknown } | undefined;
  return {
    key: record.key,
    businessNumberId: record.businessNumberId,
    waId: record.waId,
    ...(record.flow !== undefined ? { flow: record.flow } : {}),
    ...(snapshot?.value !== undefined ? { state: snapshot.value } : {}),
    pendingTimers: record.timers.length,
    ...(record.lastInboundAt !== undefined ? { lastInboundAt: record.lastInboundAt } : {}),
    updatedAt: record.updatedAt,
  };
}

const MAX_PAGE = 500;

/**
 * The admin API, under `/api/` behind the same bearer token as the proactive API:
 *
 * - `GET /api/sessions?offset=0&limit=100` → `{ total, sessions: [SessionSummary] }` (keys sorted)
 * - `GET /api/sessions/{businessNumberId}/{waId}` → `{ ...SessionSummary, context, timers, outbound, handover?,
 *   agentLog, pendingNotifications }` or 404
 * - `GET /api/parked` → `{ parked: [ParkedMessage] }`, oldest first; `GET /api/parked/{id}` → one or 404
 * - `POST /api/parked/{id}/retry` → re-delivers it through the contact's queue (an inbound message
 *   to the machine, a parked reply to the gateway): 200 `{ status: 'delivered' }`, 202
 *   `{ status: 'retrying', error }` (a reply failed again in a retryable way and is back in the
 *   outbox), 409 `{ status: 'parked', error }` (failed again), 404 unknown
 */
export function adminRouter(runtime: Runtime, token: string): Router {
  // Case-sensitive, and the token checked on every route itself: a prefix middleware compiles
  // case-sensitively while routes matched case-insensitively, so `/API/…` once skipped the check.
  const router = new Router({ prefix: '/api', sensitive: true });
  const auth = requireBearer(token);

  router.get('/sessions', auth, async (ctx) => {
    const offset = Math.max(0, Number(ctx.query.offset ?? 0) || 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, Number(ctx.query.limit ?? 100) || 100));
    const keys = (await runtime.store.keys()).sort();
    const records = await Promise.all(keys.slice(offset, offset + limit).map((key) => runtime.store.load(key)));
    ctx.body = { total: keys.length, offset, sessions: records.filter((r): r is ContactRecord => r !== undefined).map(summary) };
  });

  router.get('/sessions/:businessNumberId/:waId', auth, async (ctx) => {
    const view = await runtime.inspect(ctx.params.businessNumberId ?? '', (ctx.params.waId ?? '').replace(/^\+/, ''));
    if (!view) {
      ctx.status = 404;
      ctx.body = { error: 'no conversation with this contact' };
      return;
    }
    const { record } = view;
    ctx.body = {
      ...summary(record),
      context: (record.snapshot as { context?: unknown } | undefined)?.context,
      timers: record.timers,
      outbound: record.outbound,
      // Hand-overs (src/handover): the one in progress, what agents did, notifications not yet delivered.
      ...(record.handover ? { handover: record.handover } : {}),
      agentLog: record.agentLog ?? [],
      pendingNotifications: record.agentOutbox?.length ?? 0,
    };
  });

  router.get('/parked', auth, async (ctx) => {
    ctx.body = { parked: await runtime.parkedMessages() };
  });

  router.get('/parked/:id', auth, async (ctx) => {
    const parked = await runtime.parked.get(ctx.params.id ?? '');
    ctx.status = parked ? 200 : 404;
    ctx.body = parked ?? { error: 'no parked message with this id' };
  });

  router.post('/parked/:id/retry', auth, async (ctx) => {
    const outcome = await runtime.retryParked(ctx.params.id ?? '');
    ctx.status = { delivered: 200, retrying: 202, parked: 409, unknown: 404 }[outcome.status];
    ctx.body = outcome.status === 'unknown' ? { error: 'no parked message with this id' } : outcome;
  });

  return router;
}
