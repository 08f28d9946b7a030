import { ProviderError } from './provider.ts';
import type { HttpResponse } from './http-client.ts';
import { parseRetryAfter } from './retry-after.ts';

/** WhatsApp codes that mean "slow down / try again", not "this request is wrong". */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131000, 131056]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/**
 * Maps a non-2xx answer in the Graph API error shape (`{"error":{"message","code",…}}`, which
 * 360dialog passes through) to a ProviderError that keeps the code WhatsApp gave.
 */
export function cloudError(provider: string, what: string, res: HttpResponse): ProviderError {
  const error = isObj(res.body) && isObj(res.body.error) ? res.body.error : undefined;
  // 360dialog's own errors (bad key, blocked endpoint) come as {"meta":{"http_code","developer_message"}}.
  const meta = isObj(res.body) && isObj(res.body.meta) ? res.body.meta : undefined;
  const code = typeof error?.code === 'number' ? error.code : res.status;
  const title =
    (typeof error?.message === 'string' && error.message) ||
    (typeof error?.error_user_title === 'string' && error.error_user_title) ||
    (typeof meta?.developer_message === 'string' && meta.developer_message) ||
    (typeof res.body === 'string' && res.body.slice(0, 200)) ||
    `HTTP ${res.status}`;
  // Meta marks some errors `is_transient`: trying again later can succeed whatever the code.
  const retryable = res.status === 429 || res.status >= 500 || RETRYABLE_CODES.has(code) || error?.is_transient === true;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  return new ProviderError(`${provider}: ${what} failed with HTTP ${res.status}, code ${code}: ${title}`, {
    provider,
    status: res.status,
    code,
    title,
    retryable,
    body: res.body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** A gateway that could not be reached at all (DNS, refused, reset, timeout): always retryable. */
export function networkError(provider: string, what: string, cause: unknown): ProviderError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new ProviderError(`${provider}: ${what} failed: ${reason}`, {
    provider,
    code: 0,
    title: `network error: ${reason}`,
    retryable: true,
  });
  error.cause = cause;
  return error;
}

/** Reads `messages[0].id` from a Cloud API send response. */
export function sentMessageId(body: unknown): string | undefined {
  if (!isObj(body) || !Array.isArray(body.messages)) return undefined;
  const first: unknown = body.messages[0];
  return isObj(first) && typeof first.id === 'string' ? first.id : undefined;
}
