import { createHttpClient, withDecodedBody, type HttpClient, type HttpResponse } from './http-client.ts';
import { networkError } from './cloud-errors.ts';
import { d7Content, D7UnsupportedError } from './d7-content.ts';
import { ProviderError, type MarkReadRequest, type MediaFile, type Provider, type SendRequest, type SendResult } from './provider.ts';
import { parseRetryAfter } from './retry-after.ts';

/** D7 Networks' API base URL (`WHATSAPP_API_URL` overrides it). */
export const D7_DEFAULT_URL = 'https://api.d7networks.com';

/** Options of the D7 Networks provider. */
export interface D7Options {
  /** D7 API token (Bearer). */
  token: string;
  /** The registered WhatsApp number messages go out from (`originator`; `WHATSAPP_SENDER`). */
  sender: string;
  baseUrl?: string;
  http?: HttpClient;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/**
 * Maps a D7 error answer (`{"detail":{"code":"WHATSAPP_MESSAGE_NOT_EXISTS","message":…}}`, or
 * FastAPI-style validation lists under `detail`) to a ProviderError. D7 gives string codes, so
 * `code` is the HTTP status and the D7 code is kept in `gatewayCode`. 429 and 5xx are retryable;
 * 401 (token), 402 (credit), 404, 422 (validation) are not.
 */
export function d7Error(what: string, res: HttpResponse): ProviderError {
  const detail = isObj(res.body) ? res.body.detail : undefined;
  const gatewayCode = isObj(detail) && typeof detail.code === 'string' ? detail.code : undefined;
  const title =
    (isObj(detail) && typeof detail.message === 'string' && detail.message) ||
    (typeof detail === 'string' && detail) ||
    (Array.isArray(detail) && JSON.stringify(detail).slice(0, 200)) ||
    (typeof res.body === 'string' && res.body.slice(0, 200)) ||
    `HTTP ${res.status}`;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  return new ProviderError(`d7: ${what} failed with HTTP ${res.status}${gatewayCode ? ` ${gatewayCode}` : ''}: ${title}`, {
    provider: 'd7',
    status: res.status,
    code: res.status,
    title,
    retryable: res.status === 429 || res.status >= 500,
    body: res.body,
    ...(gatewayCode ? { gatewayCode } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * D7 Networks: `POST {base}/whatsapp/v2/send` with `{messages:[{originator, recipients, content}]}`,
 * read receipts at `POST {base}/whatsapp/v2/read-receipt/{message_id}`, media at
 * `GET {base}/whatsapp/v2/download/{media_id}`. The id returned for a send is D7's `request_id`.
 */
export function d7Provider(options: D7Options): Provider {
  const base = (options.baseUrl ?? D7_DEFAULT_URL).replace(/\/+$/, '');
  const http = options.http ?? createHttpClient();
  const headers = { authorization: `Bearer ${options.token}` };

  async function call(what: string, method: 'GET' | 'POST', path: string, json?: unknown, raw = false): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await http.call({ method, url: base + path, headers, ...(json === undefined ? {} : { json }), raw });
    } catch (cause) {
      throw networkError('d7', what, cause);
    }
    if (res.status < 200 || res.status >= 300) {
      throw d7Error(what, withDecodedBody(res));
    }
    return res;
  }

  return {
    name: 'd7',
    async send(request: SendRequest): Promise<SendResult> {
      let content;
      try {
        content = d7Content(request.message);
      } catch (error) {
        if (!(error instanceof D7UnsupportedError)) throw error;
        throw new ProviderError(`d7: ${error.message}`, { provider: 'd7', code: 100, title: error.message, retryable: false });
      }
      const res = await call(`send ${request.message.type}`, 'POST', '/whatsapp/v2/send', {
        messages: [
          {
            originator: options.sender,
            recipients: [{ recipient: request.to, recipient_type: 'individual' }],
            content,
          },
        ],
      });
      const id = isObj(res.body) ? res.body.request_id : undefined;
      if (typeof id !== 'string') {
        throw new ProviderError(`d7: send answered ${res.status} without request_id`, {
          provider: 'd7',
          status: res.status,
          code: res.status,
          title: 'response without request_id',
          retryable: false,
          body: res.body,
        });
      }
      return { messageId: id };
    },
    async markRead(request: MarkReadRequest): Promise<void> {
      // D7 has no typing indicator: `typing` is ignored.
      await call('mark read', 'POST', `/whatsapp/v2/read-receipt/${encodeURIComponent(request.messageId)}`);
    },
    async downloadMedia(mediaId: string): Promise<MediaFile> {
      const res = await call('media download', 'GET', `/whatsapp/v2/download/${encodeURIComponent(mediaId)}`, undefined, true);
      const file: MediaFile = { data: Buffer.isBuffer(res.body) ? res.body : Buffer.alloc(0) };
      const type = res.headers['content-type'];
      if (typeof type === 'string') file.contentType = type;
      return file;
    },
    async close() {
      if (!options.http) await http.close();
    },
  };
}
