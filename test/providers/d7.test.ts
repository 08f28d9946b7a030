import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { d7Provider } from '../../src/providers/d7.ts';
import { ProviderError, type Provider } from '../../src/providers/provider.ts';
import { startMockProvider, type MockAnswer, type MockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { OUTBOUND_KINDS } from '../fixtures/outbound-kinds.ts';

const NUMBER = '106540352242922';
const TO = '971501234567';
const SENDER = '971509999999';
const NOT_EXISTS = {
  detail: { code: 'WHATSAPP_MESSAGE_NOT_EXISTS', message: 'Given whatsapp message id not exists in the system. Please use correct message id!' },
};

/** D7's answers (seed 001 and the D7 SDKs): `request_id` for sends, 404 for unknown read-receipt ids. */
function d7Answers(request: RecordedRequest): MockAnswer | undefined {
  if (request.path === '/whatsapp/v2/send') return { status: 200, body: { request_id: 'd7-req-1', status: 'accepted' } };
  if (request.path === '/whatsapp/v2/read-receipt/unknown-id') return { status: 404, body: NOT_EXISTS };
  if (request.path.startsWith('/whatsapp/v2/read-receipt/')) return { status: 200, body: { status: 'success' } };
  if (request.path === '/whatsapp/v2/download/media-9') return { status: 200, body: Buffer.from('PDF'), headers: { 'content-type': 'application/pdf' } };
  return undefined;
}

describe('d7 provider against a mock D7 API on loopback', () => {
  let mock: MockProvider;
  let provider: Provider;
  beforeAll(async () => {
    mock = await startMockProvider({ answer: d7Answers });
    provider = d7Provider({ token: 'd7-token', sender: SENDER, baseUrl: mock.url });
  });
  afterAll(async () => {
    await provider.close?.();
    await mock.close();
  });
  beforeEach(() => {
    mock.requests.length = 0;
  });

  it.each(OUTBOUND_KINDS.filter((k) => k.d7 !== undefined))('sends $name as D7 content', async (kind) => {
    const result = await provider.send({ businessNumberId: NUMBER, to: TO, message: kind.message });
    expect(result.messageId).toBe('d7-req-1');
    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/whatsapp/v2/send');
    expect(request?.headers.authorization).toBe('Bearer d7-token');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      messages: [{ originator: SENDER, recipients: [{ recipient: TO, recipient_type: 'individual' }], content: kind.d7 }],
    });
  });

  it.each(OUTBOUND_KINDS.filter((k) => k.d7 === undefined))('refuses $name locally, saying why', async (kind) => {
    const error = await provider.send({ businessNumberId: NUMBER, to: TO, message: kind.message }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).details).toMatchObject({ provider: 'd7', code: 100, retryable: false });
    expect((error as ProviderError).title).toMatch(kind.d7Refusal ?? /by URL only/);
    expect(mock.requests).toHaveLength(0);
  });

  it('marks a message read with POST /whatsapp/v2/read-receipt/{id} and no body (typing is ignored)', async () => {
    await provider.markRead({ businessNumberId: NUMBER, messageId: '492a17b0-9cd7-11ef-b4bf-0242ac1b0024', typing: true });
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/whatsapp/v2/read-receipt/492a17b0-9cd7-11ef-b4bf-0242ac1b0024',
      headers: { authorization: 'Bearer d7-token' },
      body: null,
    });
  });

  it("maps D7's 404 WHATSAPP_MESSAGE_NOT_EXISTS to a permanent ProviderError", async () => {
    const error = (await provider.markRead({ businessNumberId: NUMBER, messageId: 'unknown-id' }).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.details).toMatchObject({
      provider: 'd7',
      status: 404,
      code: 404,
      gatewayCode: 'WHATSAPP_MESSAGE_NOT_EXISTS',
      title: 'Given whatsapp message id not exists in the system. Please use correct message id!',
      retryable: false,
    });
    expect(error.message).toContain('WHATSAPP_MESSAGE_NOT_EXISTS');
  });

  it('downloads inbound media from /whatsapp/v2/download/{media_id}', async () => {
    const file = await provider.downloadMedia?.('media-9');
    expect(file?.data.toString()).toBe('PDF');
    expect(file?.contentType).toBe('application/pdf');
    expect(mock.requests[0]).toMatchObject({ method: 'GET', path: '/whatsapp/v2/download/media-9', headers: { authorization: 'Bearer d7-token' } });
  });

  it.each([
    { status: 401, body: { detail: { code: 'ACCESS_TOKEN_SIGNATURE_VERIFICATION_FAILED', message: 'Invalid token' } }, retryable: false, title: 'Invalid token' },
    { status: 402, body: { detail: { code: 'INSUFFICIENT_CREDIT', message: 'Insufficient credit' } }, retryable: false, title: 'Insufficient credit' },
    { status: 422, body: { detail: [{ loc: ['body', 'messages'], msg: 'field required' }] }, retryable: false, title: '[{"loc":["body","messages"],"msg":"field required"}]' },
    { status: 429, body: { detail: 'Too many requests' }, retryable: true, title: 'Too many requests' },
    { status: 503, body: 'Service Unavailable', retryable: true, title: 'Service Unavailable' },
  ])('maps HTTP $status to a ProviderError (retryable: $retryable)', async ({ status, body, retryable, title }) => {
    mock.failNext({ status, body, headers: { 'retry-after': '2' } });
    // failNext answers only when d7Answers does not: use a path it does not know.
    const error = (await provider.downloadMedia?.('scripted').catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.details).toMatchObject({ provider: 'd7', status, code: status, retryable, title, retryAfterMs: 2000 });
  });

  it('a send answered without request_id is a permanent error', async () => {
    const odd = await startMockProvider({ answer: () => ({ status: 200, body: { ok: true } }) });
    const p = d7Provider({ token: 't', sender: SENDER, baseUrl: odd.url });
    try {
      const error = (await p.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
      expect(error.details).toMatchObject({ provider: 'd7', title: 'response without request_id', retryable: false });
    } finally {
      await p.close?.();
      await odd.close();
    }
  });
});
