/**
 * The load generator (a separate process, driven by the bench over IPC): posts signed webhook
 * batches with undici on keep-alive connections. Closed loop: keeps `inFlight` messages
 * outstanding, sending the next as soon as one is done, which measures the maximum rate. Open
 * loop: posts at `ratePerSecond`, which measures latency at a given load. A message is done when
 * the mock provider reports its read receipt and reply (or, for the bare-Koa baseline, when the
 * POST is answered). Every job is bounded by `durationMs` and `maxMessages`.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Pool } from 'undici';
import { waIdOf } from './contacts.ts';
import { serveRequests } from './ipc.ts';
import { webhookBatch } from './webhook-batch.ts';

export interface LoadJob {
  url: string;
  /** Several instances of one bot: posts go to each in turn (`url` is then ignored). */
  urls?: string[];
  /** Where "done" comes from: the POST's answer, or the mock provider's completion stream. */
  doneWhen: 'answered' | 'replied';
  completionPort?: number;
  batchSize: number;
  /** Closed loop: messages outstanding at once. */
  inFlight: number;
  /** Open loop: messages per second (closed loop when absent). */
  ratePerSecond?: number;
  durationMs: number;
  maxMessages: number;
  /** Contacts `first … first+count-1` are used in turn. */
  contacts: { first: number; count: number };
  /** How long to wait for outstanding messages once posting stops. */
  drainMs: number;
  connections: number;
}

export interface LoadResult {
  posts: number;
  messages: number;
  completed: number;
  httpErrors: number;
  /** Of those, 503 answers: the bot refused the batch (backpressure, or its store unreachable). */
  unavailable: number;
  /** First post → last completion, ms. */
  elapsedMs: number;
  messagesPerSecond: number;
  postsPerSecond: number;
  /** Open loop only: the target rate could not be kept (too many messages outstanding). */
  overloaded: boolean;
}

/** Open loop gives up when this many messages are outstanding: the bot is not keeping up. */
const OPEN_LOOP_CAP = 20_000;

async function run(job: LoadJob): Promise<LoadResult> {
  const urls = job.urls ?? [job.url];
  const pools = urls.map((url) => new Pool(url, { connections: Math.max(1, Math.round(job.connections / urls.length)), pipelining: 1, keepAliveTimeout: 60_000 }));
  const outstanding = new Set<string>();
  let cursor = 0;
  let posts = 0;
  let messages = 0;
  let completed = 0;
  let httpErrors = 0;
  let unavailable = 0;
  let overloaded = false;
  let posting = true;
  let lastDoneAt = 0;
  let socket: Socket | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let postingStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (postingStopped = resolve));

  const started = performance.now();
  const markDone = (waId: string) => {
    if (!outstanding.delete(waId)) return; // a late completion from an earlier job
    completed++;
    lastDoneAt = performance.now();
    if (!posting && outstanding.size === 0) finish();
  };

  const nextContacts = (): string[] => {
    const picked: string[] = [];
    for (let tries = 0; picked.length < job.batchSize && tries < job.contacts.count; tries++) {
      const waId = waIdOf(job.contacts.first + (cursor++ % job.contacts.count));
      if (!outstanding.has(waId) && !picked.includes(waId)) picked.push(waId);
    }
    return picked;
  };

  const post = (): boolean => {
    const waIds = nextContacts();
    if (waIds.length === 0) return false;
    for (const waId of waIds) outstanding.add(waId);
    posts++;
    messages += waIds.length;
    const { body, headers } = webhookBatch(waIds);
    (pools[posts % pools.length] as Pool)
      .request({ path: '/webhook', method: 'POST', headers, body })
      .then(async (res) => {
        await res.body.dump();
        if (res.statusCode === 503) unavailable++;
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
        // Answered: the POST's answer completes its messages. Either way the closed loop tops up
        // here (without this, an 'answered' run stopped after its first `inFlight` messages).
        if (job.doneWhen === 'answered') for (const waId of waIds) markDone(waId);
        pump();
      })
      .catch(() => {
        httpErrors++;
        for (const waId of waIds) outstanding.delete(waId);
        if (!posting && outstanding.size === 0) finish();
        pump();
      });
    return true;
  };

  const mayPost = () => posting && messages < job.maxMessages && performance.now() - started < job.durationMs;

  // Closed loop: top up to `inFlight` outstanding messages.
  function pump(): void {
    if (job.ratePerSecond !== undefined) return;
    while (mayPost() && outstanding.size + job.batchSize <= Math.max(job.inFlight, job.batchSize)) if (!post()) break;
    if (!mayPost()) stopPosting();
  }

  function stopPosting(): void {
    if (!posting) return;
    posting = false;
    postingStopped();
    if (outstanding.size === 0) finish();
  }

  if (job.doneWhen === 'replied') {
    socket = connect(job.completionPort ?? 0, '127.0.0.1');
    await once(socket, 'connect');
    socket.setNoDelay(true);
    let partial = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = lines.pop() ?? '';
      for (const waId of lines) markDone(waId);
      pump();
    });
  }

  let ticker: NodeJS.Timeout | undefined;
  if (job.ratePerSecond === undefined) {
    pump();
  } else {
    const rate = job.ratePerSecond;
    ticker = setInterval(() => {
      if (!mayPost()) return stopPosting();
      const due = Math.min(job.maxMessages, Math.floor(((performance.now() - started) / 1000) * rate));
      while (messages + job.batchSize <= due) {
        if (outstanding.size > OPEN_LOOP_CAP) {
          overloaded = true;
          return stopPosting();
        }
        if (!post()) break;
      }
    }, 2);
  }
  // Bounded in time whatever happens: posting stops at durationMs, then drainMs for the rest.
  const deadline = setTimeout(stopPosting, job.durationMs);
  await stopped;
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise((resolve) => (drainTimer = setTimeout(resolve, job.drainMs)))]);
  clearTimeout(drainTimer);
  clearTimeout(deadline);
  if (ticker) clearInterval(ticker);
  socket?.destroy();
  await Promise.all(pools.map((pool) => pool.close()));
  const elapsedMs = (lastDoneAt || performance.now()) - started;
  return {
    posts,
    messages,
    completed,
    httpErrors,
    unavailable,
    elapsedMs: Math.round(elapsedMs),
    messagesPerSecond: Math.round((completed / elapsedMs) * 1000),
    postsPerSecond: Math.round((posts / elapsedMs) * 1000),
    overloaded,
  };
}

serveRequests(async (request) => ({ result: await run(request.job as LoadJob) }));
process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true });
