import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Clock } from '../conversation/clock.ts';
import { systemClock } from '../conversation/clock.ts';
import type { Runtime } from '../conversation/runtime.ts';
import type { FlowAnswer } from '../conversation/screen.ts';
import type { FlowErrorEvent, FlowExchangeEvent } from '../messages/inbound-events.ts';
import type { Logger } from '../logger.ts';
import { verifySignature } from '../webhook/signature.ts';
import { isJsonContentType, jsonTooDeep } from '../webhook/json-limits.ts';
import { decryptFlowRequest, encryptFlowResponse, FlowDecryptError, isEncryptedFlowRequest, loadFlowsPrivateKey } from './flow-crypto.ts';
import { exchangeWithContact } from './flow-exchange.ts';
import { flowTokenKey, FlowTokenError, FlowTokenIssuer, type FlowTokenClaims } from './flow-token.ts';

/**
 * `POST /flows/endpoint`: the data endpoint of WhatsApp Flows, after Meta's "Implementing Endpoint
 * for Flows" (https://developers.facebook.com/docs/whatsapp/flows/guides/implementingyourflowendpoint).
 * Status codes are Meta's: 200 with the encrypted answer; 421 when the request cannot be decrypted
 * (the client refetches the public key and retries); 427 when the flow_token is no longer valid
 * (expired, altered, already closed, replayed, or the conversation is not expecting this Flow: the
 * client shows an error and disables the Flow's button); 432 when X-Hub-Signature-256 does not match
 * the app secret; 500 when the flow failed to answer an INIT.
 */
export interface FlowsEndpointOptions {
  /** PEM private key (WHATSAPP_FLOWS_PRIVATE_KEY) or a loaded key. */
  privateKey: string | KeyObject;
  /** Passphrase of an encrypted PEM key (WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE). */
  passphrase?: string;
  /** How long the machine may take to answer (default 9 s: WhatsApp waits 10 s). */
  timeoutMs?: number;
  /** How long an invitation's flow_token stays valid (default 24 hours). */
  tokenTtlMs?: number;
  /** Largest request accepted (default 1 MiB; Flow requests carry form data, not files). */
  bodyLimit?: number;
}

/** Answers shown to the user when our side failed (the details go to the log). */
const SORRY = 'Sorry, something went wrong on our side. Please try again.';
const SLOW = 'Sorry, this is taking longer than it should. Please try again.';
/** Replayed-request fingerprints and closed tokens kept at most (oldest dropped first). */
const MEMORY_CAP = 100_000;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Remembers keys until they expire, bounded in count. */
class ExpiringSet {
  private readonly entries = new Map<string, number>();
  constructor(private readonly now: () => number) {}
  has(key: string): boolean {
    const until = this.entries.get(key);
    return until !== undefined && until > this.now();
  }
  add(key: string, until: number): void {
    this.entries.set(key, until);
    if (this.entries.size <= MEMORY_CAP) return;
    const now = this.now();
    for (const [k, t] of this.entries) if (t <= now) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MEMORY_CAP) break;
      this.entries.delete(k);
    }
  }
}

/**
 * The WhatsApp Flows data endpoint (`POST /flows/endpoint`): decrypts each request, hands it to the
 * contact its signed flow token names as `flow.exchange`, and encrypts the machine's answer back.
 */
export class FlowsEndpoint {
  readonly issuer: FlowTokenIssuer;
  private readonly privateKey: KeyObject;
  private readonly timeoutMs: number;
  private readonly bodyLimit: number;
  private readonly seenRequests: ExpiringSet;
  private readonly closedTokens: ExpiringSet;

  constructor(
    private readonly runtime: Runtime,
    options: FlowsEndpointOptions,
    private readonly logger: Logger,
    private readonly appSecret: string | undefined,
    private readonly clock: Clock = systemClock,
    /** The issuer the sender stamps invitations with (createBot shares one); default: one from the key. */
    issuer?: FlowTokenIssuer,
  ) {
    this.privateKey = typeof options.privateKey === 'string' ? loadFlowsPrivateKey(options.privateKey, options.passphrase) : options.privateKey;
    this.issuer = issuer ?? new FlowTokenIssuer(flowTokenKey(this.privateKey), () => this.clock.now(), options.tokenTtlMs);
    this.timeoutMs = options.timeoutMs ?? 9_000;
    this.bodyLimit = options.bodyLimit ?? 1024 * 1024;
    this.seenRequests = new ExpiringSet(() => this.clock.now());
    this.closedTokens = new ExpiringSet(() => this.clock.now());
  }

  /** `POST /flows/endpoint`; answers 503 while `accepting()` is false (starting or stopping). */
  routes(accepting: () => boolean): Router {
    const router = new Router();
    router.post('/flows/endpoint', (ctx) => this.handle(ctx, accepting));
    return router;
  }

  private async handle(ctx: Context, accepting: () => boolean): Promise<void> {
    const fail = (status: number, body: Json): void => {
      ctx.status = status;
      ctx.body = body;
    };
    if (!accepting()) return fail(503, { error: 'not accepting requests right now (starting or shutting down)' });
    if (!isJsonContentType(ctx.get('content-type') || undefined)) return fail(415, { error: 'content-type must be application/json' });
    let raw: Buffer;
    try {
      raw = await getRawBody(ctx.req, { limit: this.bodyLimit, length: ctx.get('content-length') || undefined });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') return fail(413, { error: `body larger than ${this.bodyLimit} bytes` });
      return fail(400, { error: `body could not be read: ${(error as Error).message}` });
    }
    // Meta signs endpoint requests like webhooks; a mismatch is 432 (its "request signature authentication fails").
    if (this.appSecret !== undefined && !verifySignature(raw, ctx.get('x-hub-signature-256') || undefined, this.appSecret)) {
      this.logger.warn({ bytes: raw.length }, 'flows endpoint: X-Hub-Signature-256 does not match: answered 432');
      return fail(432, { error: 'X-Hub-Signature-256 does not match the HMAC-SHA256 of the body with WHATSAPP_APP_SECRET' });
    }
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = jsonTooDeep(text) ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!isEncryptedFlowRequest(body)) return fail(400, { error: 'expected {"encrypted_flow_data","encrypted_aes_key","initial_vector"}, each base64' });
    let decrypted: ReturnType<typeof decryptFlowRequest>;
    try {
      decrypted = decryptFlowRequest(body, this.privateKey);
    } catch (error) {
      if (!(error instanceof FlowDecryptError)) throw error;
      this.logger.warn({ reason: error.message }, 'flows endpoint: request cannot be decrypted: answered 421 (the client refetches the public key)');
      return fail(421, { error: `cannot decrypt the request: ${error.message}` });
    }
    const answer = (response: unknown): void => {
      ctx.status = 200;
      ctx.type = 'text/plain';
      ctx.body = encryptFlowResponse(response, decrypted.aesKey, decrypted.iv);
    };
    const request = isObj(decrypted.payload) ? decrypted.payload : {};
    const action = request.action;
    if (action === 'ping') return answer({ data: { status: 'active' } });
    if (action !== 'INIT' && action !== 'data_exchange' && action !== 'BACK') {
      return fail(400, { error: `unknown action ${JSON.stringify(action)}: expected ping, INIT, data_exchange or BACK` });
    }
    const token = request.flow_token;
    let claims: FlowTokenClaims;
    try {
      claims = this.issuer.verify(token);
    } catch (error) {
      if (!(error instanceof FlowTokenError)) throw error;
      this.logger.warn({ reason: error.message }, 'flows endpoint: flow_token refused: answered 427');
      return fail(427, { error_msg: error.reason === 'expired' ? 'This form has expired. Ask for a new one in the chat.' : 'This form is not valid. Ask for a new one in the chat.' });
    }
    const flowToken = String(token);
    // The same encrypted request twice is a replay (every real request has a fresh AES key).
    const fingerprint = createHash('sha256').update(body.encrypted_aes_key).update(body.initial_vector).digest('base64');
    if (this.seenRequests.has(fingerprint)) {
      this.logger.warn({ contact: claims.waId }, 'flows endpoint: replayed request refused: answered 427');
      return fail(427, { error_msg: 'This request was already handled.' });
    }
    this.seenRequests.add(fingerprint, claims.expiresAt);
    if (this.closedTokens.has(flowToken)) return fail(427, { error_msg: 'This form was already completed.' });
    const contact = { waId: claims.waId };
    const data = isObj(request.data) ? request.data : {};
    const screen = typeof request.screen === 'string' && request.screen !== '' ? request.screen : undefined;
    const version = typeof request.version === 'string' ? request.version : '3.0';

    // An error notification: WhatsApp could not use an earlier answer. Acknowledge, and tell the machine.
    if (typeof data.error === 'string') {
      const event: FlowErrorEvent = {
        type: 'flow.error',
        error: data.error,
        ...(typeof data.error_message === 'string' ? { errorMessage: data.error_message } : {}),
        ...(screen ? { screen } : {}),
        tag: claims.tag,
        flowToken,
        contact,
        businessNumberId: claims.businessNumberId,
        timestamp: this.clock.now(),
      };
      this.logger.warn({ contact: claims.waId, error: event.error, errorMessage: event.errorMessage }, 'flows endpoint: WhatsApp reports an error with our answer');
      void this.runtime.notify(claims.businessNumberId, claims.waId, event).catch((error: unknown) => this.logger.error({ err: error }, 'flow.error could not be delivered'));
      return answer({ data: { acknowledged: true } });
    }

    const event: FlowExchangeEvent = {
      type: 'flow.exchange',
      action,
      ...(screen ? { screen } : {}),
      data,
      tag: claims.tag,
      flowToken,
      exchangeId: randomUUID(),
      version,
      contact,
      businessNumberId: claims.businessNumberId,
      timestamp: this.clock.now(),
    };
    const outcome = await exchangeWithContact(this.runtime, event, this.timeoutMs);
    switch (outcome.kind) {
      case 'answer':
        return answer(this.toResponse(outcome.answer, flowToken, claims.expiresAt));
      case 'no-answer':
        this.logger.warn({ contact: claims.waId, action, screen }, 'flows endpoint: the flow did not answer this flow.exchange (no screen() ran): answered 427');
        return fail(427, { error_msg: 'This form is no longer active. Ask for a new one in the chat.' });
      case 'failed':
      case 'timeout': {
        const message = outcome.kind === 'failed' ? SORRY : SLOW;
        if (outcome.kind === 'failed') this.logger.error({ err: outcome.error, contact: claims.waId, action, screen }, 'flows endpoint: the flow threw on flow.exchange');
        else this.logger.error({ contact: claims.waId, action, screen, timeoutMs: this.timeoutMs }, 'flows endpoint: no answer in time');
        // On a screen, WhatsApp shows data.error_message there and the user can try again; INIT has no screen yet.
        if (screen) return answer({ screen, data: { error_message: message } });
        return fail(500, { error: message });
      }
    }
  }

  private toResponse(answer: FlowAnswer, flowToken: string, expiresAt: number): Json {
    if ('screen' in answer) return { screen: answer.screen, data: answer.data };
    this.closedTokens.add(flowToken, expiresAt);
    // Meta's final response: the SUCCESS screen with the params the completion message carries.
    return { screen: 'SUCCESS', data: { extension_message_response: { params: { ...answer.close, flow_token: flowToken } } } };
  }
}
