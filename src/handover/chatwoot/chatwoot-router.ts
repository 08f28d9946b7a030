import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Logger } from '../../logger.ts';
import { audio, document, image, text, video } from '../../messages/builders.ts';
import type { OutboundMessage } from '../../messages/outbound.ts';
import { secretsEqual } from '../../webhook/webhook-auth.ts';
import { NotInHandoverError, type AgentMessageResult } from '../handover-types.ts';
import type { Handovers } from '../handovers.ts';
import { CHATWOOT_SINK } from './chatwoot-sink.ts';

/** Chatwoot's webhook route. */
export const CHATWOOT_WEBHOOK_PATH = '/integrations/chatwoot';

/** What Chatwoot's webhook route needs. */
export interface ChatwootRouterOptions {
  handovers: Handovers;
  /** The token Chatwoot's webhook URL carries (`?token=`), CHATWOOT_WEBHOOK_TOKEN. */
  token: string;
  inboxId: number;
  /** Leaves a private note in a conversation (why an agent's message did not reach WhatsApp). */
  note: (conversationId: number, text: string) => Promise<void>;
  logger: Logger;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);

/** WhatsApp message types for Chatwoot's attachment `file_type`s. */
const MEDIA: Record<string, (link: string) => OutboundMessage> = { image: (l) => image(l), video: (l) => video(l), audio: (l) => audio(l), file: (l) => document(l) };

/** An agent's Chatwoot message as WhatsApp messages: its text, then each attachment by link. */
function toWhatsApp(payload: Json): OutboundMessage[] {
  const messages: OutboundMessage[] = [];
  const content = typeof payload.content === 'string' ? payload.content.trim() : '';
  if (content) messages.push(text(content));
  for (const attachment of Array.isArray(payload.attachments) ? payload.attachments : []) {
    const a = obj(attachment);
    const build = MEDIA[String(a?.file_type)];
    const link = typeof a?.data_url === 'string' && /^https?:\/\//.test(a.data_url) ? a.data_url : undefined;
    if (build && link) messages.push(build(link));
  }
  return messages;
}

/**
 * Chatwoot's webhook (an account webhook, or the API inbox's webhook URL, pointed at
 * `POST /integrations/chatwoot?token=<CHATWOOT_WEBHOOK_TOKEN>`):
 *
 * - `message_created` with `message_type: outgoing` (not a private note) in our inbox → the agent's
 *   message goes to WhatsApp (`agent.message`); a refusal (closed window) comes back as a private note
 * - `conversation_status_changed` to `resolved` → `agent.resolved`
 * - anything else → 200, ignored
 *
 * Authenticated by the token in the URL, compared in constant time: Chatwoot's webhooks carry no
 * signature in the releases most installations run (signing came in 2026 and could not always be
 * verified, chatwoot/chatwoot#13809), while every version can call a URL with a secret query.
 */
export function chatwootRouter(options: ChatwootRouterOptions): Router {
  const router = new Router({ sensitive: true });
  const { handovers, logger } = options;
  // Chatwoot may deliver a webhook twice: an agent's message must reach WhatsApp once.
  const handled = new Set<number>();
  const remember = (id: number): boolean => {
    if (handled.has(id)) return false;
    handled.add(id);
    if (handled.size > 5000) handled.delete(handled.values().next().value as number);
    return true;
  };
  const contactOf = (conversationId: number) => handovers.contactFor(CHATWOOT_SINK, (state) => state.conversationId === conversationId);
  const inOurInbox = (inboxId: number | undefined) => inboxId === undefined || inboxId === options.inboxId;

  router.post(CHATWOOT_WEBHOOK_PATH, async (ctx) => {
    if (!secretsEqual(typeof ctx.query.token === 'string' ? ctx.query.token : undefined, options.token)) {
      ctx.status = 401;
      ctx.body = { error: 'missing or wrong token: the webhook URL must end in ?token=<CHATWOOT_WEBHOOK_TOKEN>' };
      return;
    }
    let payload: Json | undefined;
    try {
      payload = obj(JSON.parse(await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' })));
    } catch {
      payload = undefined;
    }
    if (!payload || typeof payload.event !== 'string') {
      ctx.status = 400;
      ctx.body = { error: 'body must be a Chatwoot webhook: a JSON object with "event"' };
      return;
    }

    if (payload.event === 'message_created') {
      const conversation = obj(payload.conversation);
      const conversationId = num(conversation?.id);
      const outgoing = payload.message_type === 'outgoing' || payload.message_type === 1;
      if (!outgoing || payload.private === true) {
        ctx.body = { ignored: payload.private === true ? 'private note' : 'not an agent message' };
        return;
      }
      const messageId = num(payload.id);
      if (conversationId === undefined || messageId === undefined) {
        ctx.status = 400;
        ctx.body = { error: 'message_created needs id and conversation.id' };
        return;
      }
      if (!inOurInbox(num(obj(payload.inbox)?.id) ?? num(conversation?.inbox_id))) {
        ctx.body = { ignored: 'another inbox' };
        return;
      }
      const contact = await contactOf(conversationId);
      if (!contact) {
        ctx.body = { ignored: 'no hand-over in progress for this conversation' };
        return;
      }
      const messages = toWhatsApp(payload);
      if (messages.length === 0) {
        ctx.body = { ignored: 'nothing WhatsApp can carry (empty message)' };
        return;
      }
      if (!remember(messageId)) {
        ctx.body = { ignored: 'already delivered' };
        return;
      }
      const agent = (typeof obj(payload.sender)?.name === 'string' && (obj(payload.sender)?.name as string)) || 'Chatwoot agent';
      let results: AgentMessageResult[];
      try {
        results = await handovers.message(contact.businessNumberId, contact.waId, agent, messages);
      } catch (error) {
        if (!(error instanceof NotInHandoverError)) throw error;
        await tell(conversationId, `⚠️ Not sent to WhatsApp: the bot has this conversation again (${error.state ?? 'ended'}).`);
        ctx.body = { ignored: 'not in a hand-over' };
        return;
      }
      for (const failed of results.filter((r) => r.error && !r.willRetry)) await tell(conversationId, `⚠️ Not sent to WhatsApp: ${failed.error?.title}`);
      ctx.body = { results };
      return;
    }

    if (payload.event === 'conversation_status_changed') {
      const conversationId = num(payload.id);
      if (payload.status !== 'resolved' || conversationId === undefined || !inOurInbox(num(payload.inbox_id))) {
        ctx.body = { ignored: `status ${String(payload.status)}` };
        return;
      }
      const contact = await contactOf(conversationId);
      if (!contact) {
        ctx.body = { ignored: 'no hand-over in progress for this conversation' };
        return;
      }
      const assignee = obj(obj(payload.meta)?.assignee);
      const agent = (typeof assignee?.name === 'string' && assignee.name) || 'Chatwoot';
      try {
        ctx.body = await handovers.resolve(contact.businessNumberId, contact.waId, agent);
      } catch (error) {
        if (!(error instanceof NotInHandoverError)) throw error;
        ctx.body = { ignored: 'not in a hand-over' };
      }
      return;
    }

    ctx.body = { ignored: payload.event };
  });

  async function tell(conversationId: number, note: string): Promise<void> {
    try {
      await options.note(conversationId, note);
    } catch (error) {
      logger.warn({ err: error, conversationId }, 'could not leave a note in Chatwoot');
    }
  }

  return router;
}
