import { createHmac, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { OutboundMessage } from '../messages/outbound.ts';
import { replaceFlowTokens } from './flow-token-placeholder.ts';

/**
 * How a Flows data-endpoint request finds its contact: the `flow_token`. WhatsApp echoes the token
 * we put in the invitation with every request of that Flow, and a modified client could send any
 * token, so the token is signed: `cb1.<payload>.<mac>` where the payload (base64url JSON) names the
 * business number, the contact's WhatsApp id, the author's tag and an expiry, and the MAC is an
 * HMAC-SHA256 keyed from the Flows private key (HKDF). Only this bot can issue one; nobody can point
 * a request at another contact; no store lookup is needed. Rotating the key retires old tokens.
 */

const PREFIX = 'cb1';
/** A token names its contact for a day by default: the invitation stays tappable that long. */
export const DEFAULT_FLOW_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** What a verified flow token says: whose Flow it is, the tag the flow gave it, and when it expires. */
export interface FlowTokenClaims {
  businessNumberId: string;
  waId: string;
  /** The author's own tag (`flowToken` of `flowInvitation({ endpoint: true })`), '' for none. */
  tag: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

/** A token that is not ours, was altered, or has expired: HTTP 427 (the Flow is no longer valid). */
export class FlowTokenError extends Error {
  override readonly name = 'FlowTokenError';
  constructor(
    message: string,
    readonly reason: 'malformed' | 'signature' | 'expired',
  ) {
    super(message);
  }
}

interface Payload {
  b: string;
  w: string;
  t?: string;
  /** Expiry, Unix seconds. */
  e: number;
  /** Makes every invitation's token distinct. */
  n: string;
}

/** Derives the token key from the Flows private key, so the key pair is the only secret to keep. */
export function flowTokenKey(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', der, Buffer.alloc(0), 'chartbot flow_token v1', 32));
}

/** Issues and verifies signed flow tokens naming the contact (business number, WhatsApp id), a tag and an expiry. */
export class FlowTokenIssuer {
  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = DEFAULT_FLOW_TOKEN_TTL_MS,
  ) {}

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest().subarray(0, 16).toString('base64url');
  }

  /** A token for this contact's Flow, carrying `tag` and expiring after the issuer's TTL. */
  issue(businessNumberId: string, waId: string, tag = ''): string {
    const payload: Payload = { b: businessNumberId, w: waId, e: Math.floor((this.now() + this.ttlMs) / 1000), n: randomBytes(6).toString('base64url') };
    if (tag) payload.t = tag;
    const body = `${PREFIX}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a token this bot issued; throws FlowTokenError otherwise. */
  verify(token: unknown): FlowTokenClaims {
    if (typeof token !== 'string' || token.length > 1024) throw new FlowTokenError('flow_token missing or not a string', 'malformed');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) throw new FlowTokenError('flow_token was not issued by this bot (send the invitation with flowInvitation({ endpoint: true }))', 'malformed');
    const body = `${parts[0]}.${parts[1]}`;
    const given = Buffer.from(parts[2] ?? '', 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FlowTokenError('flow_token signature does not match (altered, or issued with another key)', 'signature');
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Payload;
    } catch {
      throw new FlowTokenError('flow_token payload is not JSON', 'malformed');
    }
    if (typeof payload.b !== 'string' || typeof payload.w !== 'string' || typeof payload.e !== 'number') throw new FlowTokenError('flow_token payload lacks its fields', 'malformed');
    const expiresAt = payload.e * 1000;
    if (this.now() > expiresAt) throw new FlowTokenError(`flow_token expired at ${new Date(expiresAt).toISOString()}`, 'expired');
    return { businessNumberId: payload.b, waId: payload.w, tag: typeof payload.t === 'string' ? payload.t : '', expiresAt };
  }

  /** Replaces the placeholders of `endpoint: true` invitations in a message about to go to `to` (the sender's hook). */
  stamp(message: OutboundMessage, businessNumberId: string, to: string): OutboundMessage {
    return replaceFlowTokens(message, (tag) => this.issue(businessNumberId, to, tag));
  }
}

/** The tag inside a chartbot flow token, without checking it (for display, e.g. on `user.flow`); undefined if not one. */
export function flowTokenTag(token: string): string | undefined {
  const [prefix, payload] = token.split('.');
  if (prefix !== PREFIX || payload === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Payload>;
    return typeof parsed.t === 'string' ? parsed.t : '';
  } catch {
    return undefined;
  }
}
