import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
}

/** One scripted answer: JSON (or a Buffer sent as bytes), with optional headers. */
export interface MockAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface MockProviderOptions {
  /**
   * Answers requests the test cares about (media lookups, D7 paths, redirects); returning
   * undefined falls back to the scripted `failNext` answers, then the Cloud API defaults.
   */
  answer?: (request: RecordedRequest, baseUrl: string) => MockAnswer | undefined;
  /** Milliseconds to wait before answering each request (a slow gateway). */
  delayMs?: number;
}

export interface MockProvider {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose body is a send (not a read receipt). */
  sends(): Array<RecordedRequest & { body: Record<string, unknown> }>;
  /** Message ids marked read. */
  reads(): string[];
  /** Next responses to give (status, body), consumed in order; then 200 defaults. */
  failNext(...responses: MockAnswer[]): void;
  /** Resolves once at least `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Cloud API stand-in on loopback: records every request and answers like Meta
 * (`{"messages":[{"id":"wamid.out.N"}]}` for sends, `{"success":true}` for read receipts).
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const requests: RecordedRequest[] = [];
  const scripted: MockAnswer[] = [];
  let baseUrl = '';
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // keep text
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, receivedAt: Date.now() };
      requests.push(recorded);
      const next = options.answer?.(recorded, baseUrl) ?? scripted.shift();
      const isRead = typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'read';
      const answer: MockAnswer = next ?? {
        status: 200,
        body: isRead ? { success: true } : { messaging_product: 'whatsapp', messages: [{ id: `wamid.out.${++counter}` }] },
      };
      const bytes = Buffer.isBuffer(answer.body);
      if (options.delayMs) return void setTimeout(() => respond(answer, bytes), options.delayMs);
      respond(answer, bytes);
    });
    const respond = (answer: MockAnswer, bytes: boolean) => {
      res.writeHead(answer.status, { 'content-type': bytes ? 'application/octet-stream' : 'application/json', ...answer.headers });
      res.end(bytes ? answer.body : JSON.stringify(answer.body));
      for (const waiter of [...waiters]) {
        if (requests.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    requests,
    sends: () =>
      requests.filter((r) => (r.body as { status?: unknown } | null)?.status !== 'read') as Array<
        RecordedRequest & { body: Record<string, unknown> }
      >,
    reads: () =>
      requests
        .map((r) => r.body as { status?: unknown; message_id?: unknown } | null)
        .filter((b) => b?.status === 'read')
        .map((b) => String(b?.message_id)),
    failNext: (...responses) => scripted.push(...responses),
    waitFor: (count, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= count) return resolve();
        const timer = setTimeout(() => reject(new Error(`mock provider got ${requests.length} of ${count} requests`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
