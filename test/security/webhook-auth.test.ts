import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticateWebhook, secretsEqual, verify360dialogSignature } from '../../src/webhook/webhook-auth.ts';
import { isJsonContentType, jsonTooDeep } from '../../src/webhook/json-limits.ts';
import { signBody } from '../../src/webhook/signature.ts';

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const hmac = (secret: string) => createHmac('sha256', secret).update(body).digest();
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('360dialog signature', () => {
  it('accepts the HMAC-SHA256 of the raw body in hex, base64, base64url and with a sha256= prefix', () => {
    const digest = hmac('platform-secret');
    for (const encoded of [digest.toString('hex'), digest.toString('hex').toUpperCase(), digest.toString('base64'), digest.toString('base64url'), `sha256=${digest.toString('hex')}`]) {
      expect(verify360dialogSignature(body, encoded, 'platform-secret'), encoded).toBe(true);
    }
  });

  it('rejects a wrong secret, another body, a truncated or missing signature', () => {
    const good = hmac('platform-secret').toString('hex');
    expect(verify360dialogSignature(body, hmac('other').toString('hex'), 'platform-secret')).toBe(false);
    expect(verify360dialogSignature(Buffer.from(body.toString() + ' '), good, 'platform-secret')).toBe(false);
    expect(verify360dialogSignature(body, good.slice(0, 63), 'platform-secret')).toBe(false);
    expect(verify360dialogSignature(body, hmac('platform-secret').toString('base64').slice(0, 20), 'platform-secret')).toBe(false);
    expect(verify360dialogSignature(body, undefined, 'platform-secret')).toBe(false);
    expect(verify360dialogSignature(body, '', 'platform-secret')).toBe(false);
  });
});

describe('authenticateWebhook', () => {
  it('admits everything when no secret is configured', () => {
    expect(authenticateWebhook(body, headers({}), {})).toEqual({ ok: true, via: 'none' });
  });

  it('admits a request proven by any configured secret, and names what was expected otherwise', () => {
    const secrets = { appSecret: 'app', dialog360Secret: 'd360', header: { name: 'X-Gateway-Secret', secret: 's3cret' } };
    expect(authenticateWebhook(body, headers({ 'x-hub-signature-256': signBody(body, 'app') }), secrets)).toEqual({ ok: true, via: 'x-hub-signature-256' });
    expect(authenticateWebhook(body, headers({ 'x-360dialog-signature': hmac('d360').toString('base64') }), secrets)).toEqual({ ok: true, via: 'x-360dialog-signature' });
    expect(authenticateWebhook(body, headers({ 'x-gateway-secret': 's3cret' }), secrets)).toEqual({ ok: true, via: 'header' });
    const refused = authenticateWebhook(body, headers({ 'x-hub-signature-256': signBody(body, 'wrong'), 'x-gateway-secret': 's3cre' }), secrets);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toBe(
      'missing or wrong X-Hub-Signature-256 (HMAC-SHA256 of the raw body with WHATSAPP_APP_SECRET) or x-360dialog-signature (HMAC-SHA256 of the raw body with WHATSAPP_360DIALOG_SECRET) or X-Gateway-Secret (WHATSAPP_WEBHOOK_SECRET)',
    );
  });

  it('does not accept a signature for a secret that is not configured', () => {
    expect(authenticateWebhook(body, headers({ 'x-360dialog-signature': hmac('d360').toString('hex') }), { appSecret: 'app' }).ok).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
    expect(secretsEqual(undefined, 'abc')).toBe(false);
  });
});

describe('JSON limits', () => {
  it('counts nesting outside strings only', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(jsonTooDeep(nested(32))).toBe(false);
    expect(jsonTooDeep(nested(33))).toBe(true);
    expect(jsonTooDeep(`{"a":"${'['.repeat(100)}"}`)).toBe(false);
    expect(jsonTooDeep(`{"a":"\\"${'{'.repeat(100)}"}`)).toBe(false);
    expect(jsonTooDeep(`{"a":"\\\\"${'{'.repeat(40)}`)).toBe(true); // an escaped backslash ends the string
  });

  it('recognises JSON content types only', () => {
    for (const ok of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) expect(isJsonContentType(ok), ok).toBe(true);
    for (const bad of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json+evil']) {
      expect(isJsonContentType(bad), String(bad)).toBe(false);
    }
  });
});
