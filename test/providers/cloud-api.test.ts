import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudApiProvider, dialog360Provider } from '../../src/providers/cloud-api.ts';
import { ProviderError, type Provider } from '../../src/providers/provider.ts';
import { createThreadedHttpClient } from '../../src/providers/threaded-http-client.ts';
import type { HttpClient } from '../../src/providers/http-client.ts';
import { startMockProvider, type MockAnswer, type MockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { OUTBOUND_KINDS } from '../fixtures/outbound-kinds.ts';

const NUMBER = '106540352242922';
const TO = '4915112345678';
const IMAGE_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

/**
 * Media lookups and downloads as Meta and 360dialog answer them: the lookup returns a URL on
 * Meta's media host (here: the mock's own `/lookaside` path), the download needs the same credentials.
 */
function mediaAnswers(mediaUrl: (base: string) => string) {
  return (request: RecordedRequest, base: string): MockAnswer | undefined => {
    if (request.method !== 'GET') return undefined;
    if (request.path.startsWith('/v23.0/555?') || request.path === '/555') {
      return {
        status: 200,
        body: { messaging_product: 'whatsapp', url: mediaUrl(base), mime_type: 'image/jpeg', sha256: 'abc', file_size: '7', id: '555' },
      };
    }
    if (request.path.startsWith('/lookaside/') || request.path.startsWith('/whatsapp_business/')) {
      return { status: 200, body: IMAGE_BYTES, headers: { 'content-type': 'image/jpeg' } };
    }
    return undefined;
  };
}

interface Gateway {
  name: string;
  /** The provider's own name in its errors, when the suite's name says more (default: `name`). */
  providerName?: string;
  make(url: string): Provider;
  sendPath: string;
  authHeader: [string, string];
  /** The header that must NOT be there (the other gateway's credentials). */
  foreignHeader: string;
  /** The file URL the media lookup answers with, and where the download must then go. */
  mediaUrl(base: string): string;
  lookupPath: string;
  downloadPath: string;
}

const GATEWAYS: Gateway[] = [
  {
    name: 'cloud',
    make: (url) => cloudApiProvider({ token: 'meta-token', baseUrl: `${url}/v23.0` }),
    sendPath: `/v23.0/${NUMBER}/messages`,
    authHeader: ['authorization', 'Bearer meta-token'],
    foreignHeader: 'd360-api-key',
    mediaUrl: (base) => `${base}/lookaside/whatsapp_business/attachments/?mid=555&hash=x`,
    lookupPath: `/v23.0/555?phone_number_id=${NUMBER}`,
    downloadPath: '/lookaside/whatsapp_business/attachments/?mid=555&hash=x',
  },
  {
    name: '360dialog',
    make: (url) => dialog360Provider({ token: 'd360-key', baseUrl: url }),
    sendPath: '/messages',
    authHeader: ['d360-api-key', 'd360-key'],
    foreignHeader: 'authorization',
    // Meta's host does not accept the 360dialog key: the same path and query go to 360dialog's host.
    mediaUrl: () => 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=555&hash=x',
    lookupPath: '/555',
    downloadPath: '/whatsapp_business/attachments/?mid=555&hash=x',
  },
];

/** `chartbot start` runs gateway calls on a worker thread: the same suite goes through that client too. */
const threadedClients: HttpClient[] = [];
afterAll(async () => {
  await Promise.all(threadedClients.map((client) => client.close()));
});
const cloud = GATEWAYS[0] as Gateway;
GATEWAYS.push({
  ...cloud,
  name: 'cloud (HTTP on a worker thread)',
  providerName: 'cloud',
  make: (url) => {
    const http = createThreadedHttpClient();
    threadedClients.push(http);
    return cloudApiProvider({ token: 'meta-token', baseUrl: `${url}/v23.0`, http });
  },
});

describe.each(GATEWAYS)('$name provider against a mock gateway on loopback', (gateway) => {
  let mock: MockProvider;
  let provider: Provider;
  beforeAll(async () => {
    mock = await startMockProvider({ answer: mediaAnswers(gateway.mediaUrl) });
    provider = gateway.make(mock.url);
  });
  afterAll(async () => {
    await provider.close?.();
    await mock.close();
  });
  beforeEach(() => {
    mock.requests.length = 0;
  });

  const expectGatewayRequest = (request: RecordedRequest | undefined, method: string, path: string) => {
    expect(request?.method).toBe(method);
    expect(request?.path).toBe(path);
    expect(request?.headers[gateway.authHeader[0]]).toBe(gateway.authHeader[1]);
    expect(request?.headers[gateway.foreignHeader]).toBeUndefined();
  };

  it.each(OUTBOUND_KINDS)('sends $name as the exact Cloud API body', async (kind) => {
    const result = await provider.send({ businessNumberId: NUMBER, to: TO, message: kind.message });
    expect(result.messageId).toMatch(/^wamid\.out\.\d+$/);
    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expectGatewayRequest(request, 'POST', gateway.sendPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, ...kind.cloud });
  });

  it('marks a message read, and with a typing indicator when asked', async () => {
    await provider.markRead({ businessNumberId: NUMBER, messageId: 'wamid.in.7' });
    await provider.markRead({ businessNumberId: NUMBER, messageId: 'wamid.in.8', typing: true });
    expectGatewayRequest(mock.requests[0], 'POST', gateway.sendPath);
    expect(mock.requests[0]?.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in.7' });
    expect(mock.requests[1]?.body).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.in.8',
      typing_indicator: { type: 'text' },
    });
  });

  it('looks media up and downloads it with the gateway credentials', async () => {
    const info = await provider.getMedia?.('555', NUMBER);
    expect(info).toEqual({ id: '555', url: gateway.mediaUrl(mock.url), mimeType: 'image/jpeg', sha256: 'abc', fileSize: 7 });
    mock.requests.length = 0;
    const file = await provider.downloadMedia?.('555', NUMBER);
    expect(file?.data.equals(IMAGE_BYTES)).toBe(true);
    expect(file?.contentType).toBe('image/jpeg');
    const [lookup, download] = mock.requests;
    expectGatewayRequest(lookup, 'GET', gateway.lookupPath);
    expectGatewayRequest(download, 'GET', gateway.downloadPath);
  });

  it('maps a Meta error JSON to a ProviderError with code, title and retryability', async () => {
    mock.failNext({
      status: 400,
      body: { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, error_data: { details: 'more than 24 hours' }, fbtrace_id: 'x' } },
    });
    const error = await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).details).toMatchObject({ provider: gateway.providerName ?? gateway.name, status: 400, code: 131047, title: '(#131047) Re-engagement message', retryable: false });
  });

  it.each([
    { status: 400, code: 131056, retryable: true, why: 'pair rate limit' },
    { status: 400, code: 130429, retryable: true, why: 'throughput' },
    { status: 400, code: 4, retryable: true, why: 'app rate limit' },
    { status: 400, code: 80007, retryable: true, why: 'WABA rate limit' },
    { status: 500, code: 131000, retryable: true, why: 'something went wrong' },
    { status: 401, code: 190, retryable: false, why: 'expired token' },
    { status: 400, code: 100, retryable: false, why: 'bad parameter' },
    { status: 400, code: 131026, retryable: false, why: 'undeliverable' },
  ])('code $code ($why) is retryable: $retryable', async ({ status, code, retryable }) => {
    mock.failNext({ status, body: { error: { message: `(#${code}) test`, code } }, headers: { 'retry-after': '3' } });
    const error = (await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
    expect(error.details).toMatchObject({ code, status, retryable, retryAfterMs: 3000 });
  });

  it('treats an error Meta marks is_transient as retryable', async () => {
    mock.failNext({ status: 400, body: { error: { message: 'Temporary issue', code: 2, is_transient: true } } });
    const error = (await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
    expect(error.details).toMatchObject({ code: 2, title: 'Temporary issue', retryable: true });
  });

  it('maps a gateway-level error without Meta JSON (HTTP status as code; 5xx retryable)', async () => {
    mock.failNext({ status: 502, body: 'Bad gateway' }, { status: 401, body: { meta: { http_code: 401, developer_message: 'Invalid api_key' } } });
    const first = (await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
    const second = (await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
    expect(first.details).toMatchObject({ code: 502, title: 'Bad gateway', retryable: true });
    expect(second.details).toMatchObject({ code: 401, title: 'Invalid api_key', retryable: false });
  });
});

describe('cloud provider edge cases', () => {
  it('an unreachable gateway is a retryable network error', async () => {
    const mock = await startMockProvider();
    const url = mock.url;
    await mock.close();
    const provider = cloudApiProvider({ token: 't', baseUrl: url });
    const error = (await provider.send({ businessNumberId: NUMBER, to: TO, message: OUTBOUND_KINDS[0]!.message }).catch((e: unknown) => e)) as ProviderError;
    await provider.close?.();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.details).toMatchObject({ code: 0, retryable: true });
  });

  it('follows the media host redirect and keeps the credentials', async () => {
    const mock = await startMockProvider({
      answer: (request, base): MockAnswer | undefined =>
        request.path.startsWith('/v23.0/777')
          ? { status: 200, body: { url: `${base}/redirect-me`, id: '777' } }
          : request.path === '/redirect-me'
            ? { status: 302, body: '', headers: { location: '/final' } }
            : request.path === '/final'
              ? { status: 200, body: Buffer.from('ok'), headers: { 'content-type': 'text/plain' } }
              : undefined,
    });
    const provider = cloudApiProvider({ token: 'meta-token', baseUrl: `${mock.url}/v23.0` });
    try {
      const file = await provider.downloadMedia?.('777');
      expect(file?.data.toString()).toBe('ok');
      expect(mock.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        ['/v23.0/777', 'Bearer meta-token'],
        ['/redirect-me', 'Bearer meta-token'],
        ['/final', 'Bearer meta-token'],
      ]);
    } finally {
      await provider.close?.();
      await mock.close();
    }
  });
});
