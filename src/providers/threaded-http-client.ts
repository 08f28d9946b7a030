import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';
import { agentOptions, parseBodyText, prepareRequest, type HttpClientOptions } from './http-client.ts';

/** One call as it crosses to the worker (the URL already split, the JSON already serialised). */
interface CallMessage {
  id: number;
  origin: string;
  path: string;
  method: HttpRequest['method'];
  headers: Record<string, string>;
  body?: string;
  raw?: boolean;
}

/** The worker's answer to one call. */
interface AnswerMessage {
  id: number;
  status?: number;
  headers?: HttpResponse['headers'];
  text?: string;
  bytes?: ArrayBuffer;
  error?: { name: string; message: string; code?: string };
}

/**
 * The worker: undici with keep-alive connections, as in `createHttpClient`. Calls and answers
 * cross in batches (one postMessage per event-loop turn each way), so a busy bot pays the thread
 * hand-over once per turn rather than once per call. CommonJS source evaluated in the worker, so it
 * needs no TypeScript loader there.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent } = require(workerData.undici);
const agent = new Agent(workerData.agent);
let answers = [];
const flush = () => { const batch = answers; answers = []; parentPort.postMessage(batch, batch.flatMap((a) => (a.bytes ? [a.bytes] : []))); };
const answer = (a) => { if (answers.push(a) === 1) setImmediate(flush); };
parentPort.on('message', (batch) => {
  if (batch === 'close') { agent.close().finally(() => setImmediate(() => { if (answers.length > 0) flush(); parentPort.postMessage('closed'); })); return; }
  for (const call of batch) {
    agent.request({ origin: call.origin, path: call.path, method: call.method, headers: call.headers, body: call.body })
      .then(async (res) => {
        if (call.raw) { const bytes = await res.body.arrayBuffer(); answer({ id: call.id, status: res.statusCode, headers: res.headers, bytes }); }
        else answer({ id: call.id, status: res.statusCode, headers: res.headers, text: await res.body.text() });
      })
      .catch((e) => answer({ id: call.id, error: { name: String(e && e.name), message: String(e && e.message), code: e && e.code } }));
  }
});
`;

/** An error from the worker, rebuilt with the name, message and code the providers map from. */
function rebuiltError(error: NonNullable<AnswerMessage['error']>): Error {
  const rebuilt = new Error(error.message) as Error & { code?: string };
  rebuilt.name = error.name;
  if (error.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

/**
 * An `HttpClient` whose HTTP work (undici, sockets, response parsing) runs on a worker thread. The
 * bot's main thread runs the webhooks, the machines and the store; on the benchmark it was busy
 * about 95% of the time while the machine's second core was half idle, and the two provider calls
 * per message were about a fifth of the main thread's work (docs/performance.md). Same behaviour
 * and errors as `createHttpClient`; `chartbot start` uses it.
 */
export function createThreadedHttpClient(options: HttpClientOptions = {}): HttpClient {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { undici: createRequire(import.meta.url).resolve('undici'), agent: agentOptions(options) },
  });
  // An idle client does not keep the process alive; calls in flight are waited for by their callers.
  worker.unref();
  const waiting = new Map<number, { resolve: (res: HttpResponse) => void; reject: (error: unknown) => void; raw: boolean }>();
  let nextId = 0;
  let calls: CallMessage[] = [];
  let closed: Promise<void> | undefined;
  let onClosed = () => {};
  let failure: Error | undefined;

  const flush = () => {
    const batch = calls;
    calls = [];
    worker.postMessage(batch);
  };
  const failAll = (error: Error) => {
    failure = error;
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  worker.on('message', (batch: AnswerMessage[] | 'closed') => {
    if (batch === 'closed') return onClosed();
    for (const answer of batch) {
      const call = waiting.get(answer.id);
      if (!call) continue;
      waiting.delete(answer.id);
      if (waiting.size === 0) worker.unref();
      if (answer.error) call.reject(rebuiltError(answer.error));
      else if (call.raw) call.resolve({ status: answer.status ?? 0, headers: answer.headers ?? {}, body: Buffer.from(answer.bytes ?? new ArrayBuffer(0)) });
      else call.resolve({ status: answer.status ?? 0, headers: answer.headers ?? {}, body: parseBodyText(answer.text ?? '') });
    }
  });
  worker.on('error', (error) => failAll(new Error(`HTTP worker failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    if (!closed) failAll(new Error(`HTTP worker exited (code ${code})`));
  });

  return {
    call(req) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('HTTP client is closed'));
      let prepared: ReturnType<typeof prepareRequest>;
      try {
        prepared = prepareRequest(req);
      } catch (error) {
        return Promise.reject(error); // an invalid URL, as the in-thread client rejects it
      }
      const { origin, path, headers, body } = prepared;
      const id = ++nextId;
      return new Promise<HttpResponse>((resolve, reject) => {
        waiting.set(id, { resolve, reject, raw: req.raw === true });
        if (waiting.size === 1) worker.ref();
        if (calls.push({ id, origin, path, method: req.method, headers, ...(body === undefined ? {} : { body }), ...(req.raw ? { raw: true } : {}) }) === 1) setImmediate(flush);
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        worker.ref();
        onClosed = () => {
          failAll(new Error('HTTP client is closed'));
          void worker.terminate().then(() => resolve());
        };
        worker.once('exit', () => resolve());
        if (calls.length > 0) flush();
        worker.postMessage('close');
      });
      return closed;
    },
  };
}
