import { cloudError, networkError, sentMessageId } from './cloud-errors.ts';
import { createHttpClient, withDecodedBody, type HttpClient, type HttpResponse } from './http-client.ts';
import { ProviderError, type MarkReadRequest, type MediaFile, type MediaInfo, type Provider, type SendRequest, type SendResult } from './provider.ts';

export const CLOUD_API_DEFAULT_URL = 'https://graph.facebook.com/v23.0';
export const DIALOG360_DEFAULT_URL = 'https://waba-v2.360dialog.io';

/** Options of the Meta Cloud API and 360dialog providers. */
export interface CloudApiOptions {
  /** Meta access token (Bearer), or the 360dialog API key. */
  token: string;
  /** Base URL; tests point it at a local mock. */
  baseUrl?: string;
  http?: HttpClient;
}

/**
 * Meta Cloud API and 360dialog speak the same bodies; they differ in the path (`/{phone_number_id}/messages`
 * vs `/messages`, the key identifying the number) and in the auth header.
 */
interface Dialect {
  name: string;
  defaultUrl: string;
  path(businessNumberId: string): string;
  headers(token: string): Record<string, string>;
  /** Where to fetch the file a media lookup pointed at (360dialog proxies Meta's host). */
  downloadUrl(mediaUrl: string, base: string): string;
  /** Meta checks a media id against `?phone_number_id=`; 360dialog's key already names the number. */
  mediaLookupChecksNumber: boolean;
}

const cloudDialect: Dialect = {
  name: 'cloud',
  defaultUrl: CLOUD_API_DEFAULT_URL,
  path: (id) => `/${encodeURIComponent(id)}/messages`,
  headers: (token) => ({ authorization: `Bearer ${token}` }),
  downloadUrl: (mediaUrl) => mediaUrl,
  mediaLookupChecksNumber: true,
};

const dialog360Dialect: Dialect = {
  name: '360dialog',
  defaultUrl: DIALOG360_DEFAULT_URL,
  path: () => '/messages',
  headers: (token) => ({ 'D360-API-KEY': token }),
  // Meta's lookaside URL does not accept the 360dialog key: the same path and query on 360dialog's host do.
  downloadUrl: (mediaUrl, base) => {
    const meta = new URL(mediaUrl);
    return new URL(meta.pathname + meta.search, base.endsWith('/') ? base : base + '/').toString();
  },
  mediaLookupChecksNumber: false,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

function createCloudStyleProvider(dialect: Dialect, options: CloudApiOptions): Provider {
  const base = (options.baseUrl ?? dialect.defaultUrl).replace(/\/+$/, '');
  const http = options.http ?? createHttpClient();
  const headers = dialect.headers(options.token);

  async function post(what: string, businessNumberId: string, json: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await http.call({ method: 'POST', url: base + dialect.path(businessNumberId), headers, json });
    } catch (cause) {
      throw networkError(dialect.name, what, cause);
    }
    if (res.status < 200 || res.status >= 300) throw cloudError(dialect.name, what, res);
    return res;
  }

  /** GET with the gateway's credentials, following up to 3 redirects (Meta's media URLs redirect). */
  async function get(what: string, url: string, raw: boolean): Promise<HttpResponse> {
    let target = url;
    for (let hop = 0; ; hop++) {
      let res: HttpResponse;
      try {
        res = await http.call({ method: 'GET', url: target, headers, raw });
      } catch (cause) {
        throw networkError(dialect.name, what, cause);
      }
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && typeof location === 'string' && hop < 3) {
        target = new URL(location, target).toString();
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        throw cloudError(dialect.name, what, withDecodedBody(res));
      }
      return res;
    }
  }

  async function getMedia(mediaId: string, businessNumberId?: string): Promise<MediaInfo> {
    const query = businessNumberId && dialect.mediaLookupChecksNumber ? `?phone_number_id=${encodeURIComponent(businessNumberId)}` : '';
    const res = await get('media lookup', `${base}/${encodeURIComponent(mediaId)}${query}`, false);
    const body = isObj(res.body) ? res.body : {};
    if (typeof body.url !== 'string') {
      throw new ProviderError(`${dialect.name}: media lookup answered without url`, {
        provider: dialect.name,
        status: res.status,
        code: res.status,
        title: 'media lookup without url',
        retryable: false,
        body: res.body,
      });
    }
    const info: MediaInfo = { id: typeof body.id === 'string' ? body.id : mediaId, url: body.url };
    if (typeof body.mime_type === 'string') info.mimeType = body.mime_type;
    if (typeof body.sha256 === 'string') info.sha256 = body.sha256;
    // `file_size` is a string in Meta's own example and a number elsewhere.
    if (body.file_size !== undefined && Number.isFinite(Number(body.file_size))) info.fileSize = Number(body.file_size);
    return info;
  }

  return {
    name: dialect.name,
    async send(request: SendRequest): Promise<SendResult> {
      const res = await post(`send ${request.message.type}`, request.businessNumberId, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: request.to,
        ...request.message,
      });
      const messageId = sentMessageId(res.body);
      if (!messageId) {
        throw new ProviderError(`${dialect.name}: send answered ${res.status} without messages[0].id`, {
          provider: dialect.name,
          status: res.status,
          code: res.status,
          title: 'response without message id',
          retryable: false,
          body: res.body,
        });
      }
      return { messageId };
    },
    async markRead(request: MarkReadRequest): Promise<void> {
      await post('mark read', request.businessNumberId, {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: request.messageId,
        ...(request.typing ? { typing_indicator: { type: 'text' } } : {}),
      });
    },
    getMedia,
    async downloadMedia(mediaId: string, businessNumberId?: string): Promise<MediaFile> {
      const info = await getMedia(mediaId, businessNumberId);
      const res = await get('media download', dialect.downloadUrl(info.url, base), true);
      const contentType = res.headers['content-type'];
      const file: MediaFile = { data: Buffer.isBuffer(res.body) ? res.body : Buffer.alloc(0) };
      const type = typeof contentType === 'string' ? contentType : info.mimeType;
      if (type) file.contentType = type;
      return file;
    },
    async close() {
      if (!options.http) await http.close();
    },
  };
}

/** Meta's WhatsApp Cloud API: `POST {baseUrl}/{phone_number_id}/messages` with a Bearer token. */
export function cloudApiProvider(options: CloudApiOptions): Provider {
  return createCloudStyleProvider(cloudDialect, options);
}

/** 360dialog: the Cloud API bodies at `POST {baseUrl}/messages` with `D360-API-KEY`. */
export function dialog360Provider(options: CloudApiOptions): Provider {
  return createCloudStyleProvider(dialog360Dialect, options);
}
