import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { requireBearer } from '../api/bearer-auth.ts';
import type { Runtime } from '../conversation/runtime.ts';
import { parseOutboundMessages } from '../messages/outbound-validation.ts';
import { NotInHandoverError } from './handover-types.ts';

const NUMBER_ID = /^[0-9A-Za-z._-]{1,64}$/;
const WA_ID = /^\+?[0-9A-Za-z._-]{3,64}$/;
const MAX_AGENT_NAME = 100;

type Body = Record<string, unknown>;

/** The JSON object body of a request, or undefined after answering 400/413. */
async function readBody(ctx: Context): Promise<Body | undefined> {
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: '256kb', encoding: 'utf8' });
  } catch (error) {
    const tooLarge = (error as { type?: string }).type === 'entity.too.large';
    ctx.status = tooLarge ? 413 : 400;
    ctx.body = { error: tooLarge ? 'body larger than 256 KB' : 'body could not be read' };
    return undefined;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    ctx.status = 400;
    ctx.body = { error: 'body must be JSON, e.g. { "agent": "Sam", "messages": ["Hi, I am Sam"] }' };
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    ctx.status = 400;
    ctx.body = { error: 'body must be a JSON object' };
    return undefined;
  }
  return body as Body;
}

/** The contact named by the path, or undefined after answering 400. */
function contactOf(ctx: Context): { businessNumberId: string; waId: string } | undefined {
  const businessNumberId = String(ctx.params.businessNumberId ?? '');
  const waId = String(ctx.params.waId ?? '');
  if (!NUMBER_ID.test(businessNumberId) || !WA_ID.test(waId)) {
    ctx.status = 400;
    ctx.body = { error: 'the path must be /api/handovers/{businessNumberId}/{waId}/…: the phone_number_id and the WhatsApp id' };
    return undefined;
  }
  return { businessNumberId, waId: waId.replace(/^\+/, '') };
}

function agentOf(ctx: Context, body: Body): string | undefined {
  const agent = body.agent;
  if (typeof agent === 'string' && agent.trim() !== '' && agent.length <= MAX_AGENT_NAME) return agent.trim();
  ctx.status = 400;
  ctx.body = { error: `agent is required: the name of the person acting, a string of 1 to ${MAX_AGENT_NAME} characters` };
  return undefined;
}

/** Answers 409 for an action on a contact that is not in a hand-over; rethrows anything else. */
function notInHandover(ctx: Context, error: unknown): void {
  if (!(error instanceof NotInHandoverError)) throw error;
  ctx.status = 409;
  ctx.body = { error: error.message, ...(error.state === undefined ? {} : { state: error.state }) };
}

/**
 * The agent API, under `/api/` behind the bearer token (CHARTBOT_API_TOKEN):
 *
 * - `GET /api/handovers` → `{ handovers: [{ businessNumberId, waId, name?, since, state, lastMessageAt, agents }] }`
 * - `POST /api/handovers/{businessNumberId}/{waId}/messages` `{ agent, messages: [ … ] }` (the
 *   `POST /api/messages` shapes; a string is a text) → 200 `{ results: [{ messageId } | { error }] }`;
 *   409 when the contact is not in a hand-over
 * - `POST /api/handovers/{businessNumberId}/{waId}/resolve` `{ agent }` → 200 `{ ended, state }`; 409 likewise
 */
export function handoverRouter(runtime: Runtime, token: string): Router {
  const router = new Router({ prefix: '/api', sensitive: true });
  router.use(requireBearer(token));

  router.get('/handovers', async (ctx) => {
    ctx.body = { handovers: await runtime.handovers.list() };
  });

  router.post('/handovers/:businessNumberId/:waId/messages', async (ctx) => {
    const contact = contactOf(ctx);
    const body = contact && (await readBody(ctx));
    const agent = body && agentOf(ctx, body);
    if (!contact || !body || agent === undefined) return;
    const parsed = parseOutboundMessages(body.messages);
    if (!parsed.ok) {
      ctx.status = 400;
      ctx.body = { error: parsed.error };
      return;
    }
    try {
      ctx.body = { results: await runtime.handovers.message(contact.businessNumberId, contact.waId, agent, parsed.messages) };
    } catch (error) {
      notInHandover(ctx, error);
    }
  });

  router.post('/handovers/:businessNumberId/:waId/resolve', async (ctx) => {
    const contact = contactOf(ctx);
    const body = contact && (await readBody(ctx));
    const agent = body && agentOf(ctx, body);
    if (!contact || !body || agent === undefined) return;
    try {
      ctx.body = await runtime.handovers.resolve(contact.businessNumberId, contact.waId, agent);
    } catch (error) {
      notInHandover(ctx, error);
    }
  });

  return router;
}
