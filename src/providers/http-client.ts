import { Agent } from 'undici';

/** The answer of one HTTP call; `body` is parsed JSON, or the text when it is not JSON. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One HTTP call a provider makes to its gateway. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON when present. */
  json?: unknown;
  /** Return the body as bytes (a Buffer) instead of parsing it: media downloads. */
  raw?: boolean;
}

/** What providers call to reach a gateway. Inject your own to record or fake HTTP. */
export interface HttpClient {
  /** Makes the call; resolves with any status (errors are the provider's to interpret), rejects on network failure. */
  call(req: HttpRequest): Promise<HttpResponse>;
  /** Closes the connections; no call may follow. */
  close(): Promise<void>;
}

/**
 * undici with keep-alive connections: on Node 20 `fetch` costs about 9× the CPU of
 * `undici.request` on a pooled connection (measured on our 2-core machine), and every inbound
 * message costs two calls (read receipt + reply).
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agent = new Agent(agentOptions(options));
  return {
    async call(req) {
      const { origin, path, headers, body } = prepareRequest(req);
      const res = await agent.request({ origin, path, method: req.method, headers, body });
      if (req.raw) return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
      return { status: res.statusCode, headers: res.headers, body: parseBodyText(await res.body.text()) };
    },
    async close() {
      await agent.close();
    },
  };
}

/** Options of `createHttpClient` and `createThreadedHttpClient`. */
export interface HttpClientOptions {
  /** Headers and body timeout per call (default 15 s). */
  timeoutMs?: number;
  /** Keep-alive connections per origin (default 64). */
  connections?: number;
}

/** undici Agent settings shared by the in-thread and the threaded client. */
export function agentOptions(options: HttpClientOptions): { connections: number; keepAliveTimeout: number; headersTimeout: number; bodyTimeout: number } {
  const timeout = options.timeoutMs ?? 15_000;
  return { connections: options.connections ?? 64, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: timeout };
}

/** What undici needs for a call: the URL split, JSON accepted, and the JSON body serialised. */
export function prepareRequest(req: HttpRequest): { origin: string; path: string; headers: Record<string, string>; body?: string } {
  const { origin, path } = splitUrl(req.url);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.json === undefined) return { origin, path, headers };
  headers['content-type'] = 'application/json';
  return { origin, path, headers, body: JSON.stringify(req.json) };
}

/** Parsed URLs by their text: a provider calls the same few URLs (messages, read receipts) all day. */
const parsedUrls = new Map<string, { origin: string; path: string }>();
const PARSED_URLS_KEPT = 1000;

/** Origin and path of a URL, parsed once per distinct URL (bounded: media URLs are one-off). */
function splitUrl(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const { origin, pathname, search } = new URL(url);
    parsed = { origin, path: pathname + search };
    if (parsedUrls.size >= PARSED_URLS_KEPT) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

/** A response body as JSON when it is JSON, else the text (kept for error messages); empty → null. */
export function parseBodyText(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A raw (media download) answer that turned out to be an error: its bytes are the gateway's error
 * JSON or text, so decode them for the error mapping.
 */
export function withDecodedBody(res: HttpResponse): HttpResponse {
  return Buffer.isBuffer(res.body) ? { ...res, body: parseBodyText(res.body.toString('utf8')) } : res;
}
