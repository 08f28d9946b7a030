import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verifySignature } from './signature.ts';

/**
 * The secrets a webhook POST can prove itself with. Any configured one that matches admits the
 * request; with none configured every request is admitted (and the start warns loudly).
 */
export interface WebhookSecrets {
  /** Meta app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
  appSecret?: string | undefined;
  /** 360dialog partner secret: `x-360dialog-signature: <HMAC-SHA256 of the raw body>`, hex or base64. */
  dialog360Secret?: string | undefined;
  /** A fixed header the gateway is configured to send (for gateways that do not sign). */
  header?: { name: string; secret: string } | undefined;
}

/** Whether a webhook POST is admitted, and by which secret; or why not. */
export type WebhookAuthResult = { ok: true; via: 'none' | 'x-hub-signature-256' | 'x-360dialog-signature' | 'header' } | { ok: false; reason: string };

/** Whether any webhook secret is configured. */
export function hasWebhookSecret(secrets: WebhookSecrets): boolean {
  return Boolean(secrets.appSecret || secrets.dialog360Secret || secrets.header);
}

/**
 * 360dialog documents the signature as an HMAC-SHA256 of the body but not its encoding, so both
 * hex and base64 (also base64url, and an optional `sha256=` prefix) are accepted. The digest bytes
 * are compared in constant time.
 */
export function verify360dialogSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const value = header.trim().replace(/^sha256=/i, '');
  const given = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares a secret header in constant time, whatever the lengths (hashing first fixes them). */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Checks a webhook POST's raw bytes and headers against every configured secret. */
export function authenticateWebhook(body: Buffer, header: (name: string) => string | undefined, secrets: WebhookSecrets): WebhookAuthResult {
  if (!hasWebhookSecret(secrets)) return { ok: true, via: 'none' };
  if (secrets.appSecret && verifySignature(body, header('x-hub-signature-256'), secrets.appSecret)) return { ok: true, via: 'x-hub-signature-256' };
  if (secrets.dialog360Secret && verify360dialogSignature(body, header('x-360dialog-signature'), secrets.dialog360Secret)) {
    return { ok: true, via: 'x-360dialog-signature' };
  }
  if (secrets.header && secretsEqual(header(secrets.header.name.toLowerCase()), secrets.header.secret)) return { ok: true, via: 'header' };
  const expected = [
    secrets.appSecret ? 'X-Hub-Signature-256 (HMAC-SHA256 of the raw body with WHATSAPP_APP_SECRET)' : undefined,
    secrets.dialog360Secret ? 'x-360dialog-signature (HMAC-SHA256 of the raw body with WHATSAPP_360DIALOG_SECRET)' : undefined,
    secrets.header ? `${secrets.header.name} (WHATSAPP_WEBHOOK_SECRET)` : undefined,
  ].filter(Boolean);
  return { ok: false, reason: `missing or wrong ${expected.join(' or ')}` };
}
