import { cloudError, networkError, sentMessageId } from './cloud-errors.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from './http-client.ts';
import { ProviderError, type MarkReadRequest, type Provider, type SendRequest, type SendResult } from './provider.ts';

export const CLOUD_API_DEFAULT_URL = 'https://graph.facebook.com/v23.0';
export const DIALOG360_DEFAULT_URL = 'https://waba-v2.360dialog.io';

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
}

const cloudDialect: Dialect = {
  name: 'cloud',
  defaultUrl: CLOUD_API_DEFAULT_URL,
  path: (id) => `/${encodeURIComponent(id)}/messages`,
  headers: (token) => ({ authorization: `Bearer ${token}` }),
};

const dialog360Dialect: Dialect = {
  name: '360dialog',
  defaultUrl: DIALOG360_DEFAULT_URL,
  path: () => '/messages',
  headers: (token) => ({ 'D360-API-KEY': token }),
};

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
      });
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
