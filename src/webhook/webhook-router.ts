import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { NotAWebhookError, parseWebhook, type ParsedWebhook } from '../messages/parse-webhook.ts';
import type { Logger } from '../logger.ts';
import { authenticateWebhook, type WebhookSecrets } from './webhook-auth.ts';
import { isJsonContentType, jsonTooDeep, MAX_JSON_DEPTH } from './json-limits.ts';

export interface WebhookOptions {
  /** Receives what every accepted POST carried. Not awaited: the gateway gets its 200 at once. */
  onWebhook: (parsed: ParsedWebhook) => Promise<void> | void;
  logger: Logger;
  /** When set, every POST must carry a valid `X-Hub-Signature-256`. */
  appSecret?: string;
  /** 360dialog's optional signature secret and/or a shared-secret header (see webhook-auth.ts). */
  dialog360Secret?: WebhookSecrets['dialog360Secret'];
  webhookHeader?: WebhookSecrets['header'];
  /** Token for Meta's `GET` subscription challenge. */
  verifyToken?: string;
  /** Largest body accepted (default 1 MiB). */
  bodyLimit?: number;
  /**
   * When set, the 200 waits for this (the durable inbox journal) and it takes over processing;
   * when it fails the answer is 503 so the gateway retries.
   */
  record?: (raw: Buffer, parsed: ParsedWebhook) => Promise<void>;
  /** False while starting or shutting down: POSTs get 503 so the gateway retries later. */
  accepting: () => boolean;
  /** Why the bot cannot take more work now (its backlog is full), or undefined: POSTs get 503 + Retry-After. */
  overloaded?: () => string | undefined;
}

/** How long a gateway is asked to wait when the bot is overloaded (seconds). */
const OVERLOADED_RETRY_AFTER_S = 10;

function fail(ctx: Context, status: number, error: string): void {
  ctx.status = status;
  ctx.body = { error };
}

/**
 * Answers 413 and closes the connection once the answer is out: otherwise Node reads the rest of
 * the declared body (50 MiB) to keep the connection alive for a next request.
 */
function tooLarge(ctx: Context, limit: number): void {
  ctx.set('Connection', 'close');
  const socket = ctx.req.socket;
  ctx.res.once('finish', () => socket.destroy());
  fail(ctx, 413, `body larger than ${limit} bytes`);
}

/** `GET /webhook` (Meta's verification challenge) and `POST /webhook` (webhook batches). */
export function webhookRouter(options: WebhookOptions): Router {
  const router = new Router();
  const limit = options.bodyLimit ?? 1024 * 1024;

  router.get('/webhook', (ctx) => {
    const mode = ctx.query['hub.mode'];
    const token = ctx.query['hub.verify_token'];
    const challenge = ctx.query['hub.challenge'];
    if (
      mode === 'subscribe' &&
      options.verifyToken !== undefined &&
      token === options.verifyToken &&
      typeof challenge === 'string'
    ) {
      ctx.type = 'text/plain';
      ctx.body = challenge;
      return;
    }
    options.logger.warn({ mode }, 'webhook verification refused: hub.verify_token does not match WHATSAPP_VERIFY_TOKEN');
    fail(ctx, 403, 'verification failed: hub.mode must be subscribe and hub.verify_token must match WHATSAPP_VERIFY_TOKEN');
  });

  router.post('/webhook', async (ctx) => {
    if (!options.accepting()) {
      ctx.set('Retry-After', '5');
      return fail(ctx, 503, 'not accepting webhooks right now (starting or shutting down); retry later');
    }
    const overloaded = options.overloaded?.();
    if (overloaded !== undefined) {
      // Nothing is read or recorded: the gateway keeps the batch and sends it again later.
      options.logger.warn({ reason: overloaded }, 'webhook refused: overloaded');
      ctx.set('Retry-After', String(OVERLOADED_RETRY_AFTER_S));
      ctx.set('Connection', 'close');
      return fail(ctx, 503, `overloaded (${overloaded}); retry later`);
    }
    if (!isJsonContentType(ctx.get('content-type') || undefined)) {
      options.logger.warn({ contentType: ctx.get('content-type') }, 'webhook rejected: not a JSON content type');
      return fail(ctx, 415, 'content-type must be application/json');
    }
    const declared = Number(ctx.get('content-length') || NaN);
    if (declared > limit) return tooLarge(ctx, limit);
    let raw: Buffer;
    try {
      raw = await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return tooLarge(ctx, limit);
      options.logger.warn({ err: error }, 'webhook body could not be read');
      return fail(ctx, 400, `body could not be read: ${(error as Error).message}`);
    }
    const secrets = { appSecret: options.appSecret, dialog360Secret: options.dialog360Secret, header: options.webhookHeader };
    const auth = authenticateWebhook(raw, (name) => ctx.get(name) || undefined, secrets);
    if (!auth.ok) {
      options.logger.warn({ bytes: raw.length }, `webhook rejected: ${auth.reason}`);
      return fail(ctx, 401, auth.reason);
    }
    const text = raw.toString('utf8');
    if (jsonTooDeep(text)) {
      options.logger.warn({ bytes: raw.length }, 'webhook rejected: JSON nested too deep');
      return fail(ctx, 400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      options.logger.warn({ bytes: raw.length }, 'webhook rejected: malformed JSON');
      return fail(ctx, 400, `malformed JSON: ${(error as Error).message}`);
    }
    let parsed: ParsedWebhook;
    try {
      parsed = parseWebhook(body);
    } catch (error) {
      if (error instanceof NotAWebhookError) return fail(ctx, 400, error.message);
      throw error;
    }
    for (const part of parsed.ignored) options.logger.warn({ reason: part.reason, part: part.part }, 'webhook content ignored');
    if (options.record) {
      try {
        await options.record(raw, parsed);
      } catch (error) {
        options.logger.error({ err: error }, 'webhook batch could not be recorded durably');
        ctx.set('Retry-After', '1');
        return fail(ctx, 503, 'the batch could not be recorded; retry later');
      }
    } else {
      void Promise.resolve(options.onWebhook(parsed)).catch((error: unknown) =>
        options.logger.error({ err: error }, 'webhook processing failed'),
      );
    }
    ctx.body = { received: { messages: parsed.messages.length, statuses: parsed.statuses.length } };
  });

  return router;
}
