import Router from '@koa/router';
import { requireBearer } from '../api/bearer-auth.ts';
import type { Runtime } from '../conversation/runtime.ts';
import type { DeliveryStatus } from '../messages/status-update.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import { getById } from '../store/record-history.ts';
import type { AgentAction } from '../handover/handover-record.ts';
import type { HistoryEntry, HistoryReply } from './contact-history.ts';

/**
 * Where a reply stands now: the gateway's latest status for a sent one (`accepted`, `sent`,
 * `delivered`, `read`, `failed`), else `pending` (in the outbox), `retrying` (in the outbox after a
 * failure), `failed` (given up) or `unknown` (its status is no longer kept).
 */
export type HistoryReplyStatus = DeliveryStatus | 'pending' | 'retrying' | 'unknown';

/** A reply as the history API shows it. */
export interface HistoryReplyView {
  type: string;
  /** WhatsApp's message id, once the gateway accepted it. */
  id?: string;
  status: HistoryReplyStatus;
  /** Why it failed (the gateway's code and title), or its last error while retrying. */
  error?: { code: number; title: string };
  text?: string;
}

/** An entry as the history API shows it: the stored entry with each reply's current status. */
export type HistoryEntryView = Omit<HistoryEntry, 'replies'> & { replies?: HistoryReplyView[] };

/** The body of `GET /api/sessions/{businessNumberId}/{waId}/history`. */
export interface HistoryResponse {
  /** Entries kept per contact (CHARTBOT_HISTORY_SIZE). */
  size: number;
  /** Whether message text is kept and shown (CHARTBOT_HISTORY_TEXT). */
  text: boolean;
  /** Oldest first. */
  entries: HistoryEntryView[];
}

function replyView(record: ContactRecord, reply: HistoryReply, withText: boolean): HistoryReplyView {
  const view: HistoryReplyView = { type: reply.type, status: 'unknown' };
  if (reply.id !== undefined) {
    view.id = reply.id;
    const outbound = getById(record.outbound, reply.id);
    if (outbound) {
      view.status = outbound.status;
      const error = outbound.errors?.[0];
      if (error) view.error = { code: error.code, title: error.title ?? error.message ?? '' };
    }
  } else if (reply.error) {
    view.status = 'failed';
    view.error = reply.error;
  } else {
    const queued = record.outbox?.find((entry) => entry.id === reply.entryId);
    if (queued) {
      view.status = queued.attempts ? 'retrying' : 'pending';
      if (queued.lastError) view.error = queued.lastError;
    }
  }
  if (withText && reply.text !== undefined) view.text = reply.text;
  return view;
}

/** An action of the hand-over's agent log as a history entry (`agent.message`, `agent.resolve`, `agent.timeout`). */
function agentEntry(action: AgentAction): HistoryEntry {
  const entry: HistoryEntry = { at: action.at, kind: 'agent', event: `agent.${action.kind}` };
  if (action.agent !== undefined) entry.agent = action.agent;
  if (action.messages !== undefined) entry.messages = action.messages;
  if (action.refused !== undefined) entry.refused = action.refused;
  if (action.types !== undefined) entry.types = [...action.types];
  return entry;
}

/**
 * The entries of a record for the API, oldest first: its steps and its agents' actions (the
 * hand-over's log), the last `limit` of them; text only when history text is on now.
 */
export function historyView(record: ContactRecord, withText: boolean, limit?: number): HistoryEntryView[] {
  const steps = record.history ?? [];
  const actions = (record.agentLog ?? []).map(agentEntry);
  // Both are in time order already. At the same instant the action comes first: an agent's message
  // or resolve is what the step of that instant (`agent.message`, `agent.resolved`) ran on.
  const entries = actions.length === 0 ? steps : [...actions, ...steps].sort((a, b) => a.at - b.at);
  return entries.slice(limit === undefined ? 0 : Math.max(0, entries.length - limit)).map((entry) => {
    const { replies, text, ...rest } = entry;
    const view: HistoryEntryView = rest;
    if (withText && text !== undefined) view.text = text;
    if (replies) view.replies = replies.map((reply) => replyView(record, reply, withText));
    return view;
  });
}

/**
 * `GET /api/sessions/{businessNumberId}/{waId}/history?limit=N` (bearer token, like the rest of
 * `/api`): the contact's last steps and its agents' actions, oldest first, each reply with its
 * current status. 404 when the bot has no conversation with the contact.
 */
export function historyRouter(runtime: Runtime, token: string): Router {
  const router = new Router({ prefix: '/api' });
  router.get('/sessions/:businessNumberId/:waId/history', requireBearer(token), async (ctx) => {
    const rawLimit = ctx.query.limit;
    const limit = rawLimit === undefined ? undefined : Number(rawLimit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      ctx.status = 400;
      ctx.body = { error: 'limit must be a whole number ≥ 1' };
      return;
    }
    const view = await runtime.inspect(ctx.params.businessNumberId ?? '', (ctx.params.waId ?? '').replace(/^\+/, ''));
    if (!view) {
      ctx.status = 404;
      ctx.body = { error: 'no conversation with this contact' };
      return;
    }
    const body: HistoryResponse = { size: runtime.history.size, text: runtime.history.text, entries: historyView(view.record, runtime.history.text, limit) };
    ctx.body = body;
  });
  return router;
}
