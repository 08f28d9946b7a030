/**
 * The provider the benchmarked bot talks to (a separate process): answers like the Cloud API
 * (read receipts and sends) on loopback, and decides when a message is done: its read receipt and
 * its reply have both arrived. It measures inbound → reply latency from the send time stamped in
 * the message id, and streams each finished contact to the load generator over a TCP socket so
 * the generator can keep a fixed number of messages in flight.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseBenchMessageId } from './contacts.ts';
import { serveRequests } from './ipc.ts';
import { summarize } from './stats.ts';

interface InFlight {
  sentAtNs?: bigint;
  read: boolean;
  replied: boolean;
}

const inFlight = new Map<string, InFlight>();
let latenciesMs: number[] = [];
let reads = 0;
let sends = 0;
let outId = 0;
const listeners = new Set<Socket>();
let pendingLines = '';

function flushCompletions(): void {
  const lines = pendingLines;
  pendingLines = '';
  for (const socket of listeners) socket.write(lines);
}

function progress(waId: string, update: (entry: InFlight) => void): void {
  let entry = inFlight.get(waId);
  if (!entry) inFlight.set(waId, (entry = { read: false, replied: false }));
  update(entry);
  if (!entry.read || !entry.replied || entry.sentAtNs === undefined) return;
  inFlight.delete(waId);
  latenciesMs.push(Number(process.hrtime.bigint() - entry.sentAtNs) / 1e6);
  if (pendingLines === '') setImmediate(flushCompletions);
  pendingLines += waId + '\n';
}

const readAnswer = JSON.stringify({ success: true });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; message_id?: string; to?: string };
    if (body.status === 'read') {
      reads++;
      const parsed = parseBenchMessageId(String(body.message_id));
      if (parsed) progress(parsed.waId, (entry) => ((entry.read = true), (entry.sentAtNs = parsed.sentAtNs)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(readAnswer);
      return;
    }
    sends++;
    if (body.to) progress(body.to, (entry) => (entry.replied = true));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.out.${++outId}` }] }));
  });
});
server.keepAliveTimeout = 60_000;

const completions = createTcpServer((socket) => {
  socket.setNoDelay(true);
  listeners.add(socket);
  socket.on('close', () => listeners.delete(socket));
  socket.on('error', () => listeners.delete(socket));
});

server.listen(0, '127.0.0.1');
completions.listen(0, '127.0.0.1');
await Promise.all([once(server, 'listening'), once(completions, 'listening')]);

serveRequests((request) => {
  if (request.type === 'reset') {
    latenciesMs = [];
    reads = 0;
    sends = 0;
    inFlight.clear();
    return {};
  }
  return { reads, sends, latency: summarize(latenciesMs) };
});
process.on('SIGTERM', () => process.exit(0));
process.send?.({
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  completionPort: (completions.address() as AddressInfo).port,
});
