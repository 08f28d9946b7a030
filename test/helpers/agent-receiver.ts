import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  raw: string;
  signature: string | undefined;
  body: { id: string; type: string } & Record<string, unknown>;
  /** The status the receiver answered. */
  answered: number;
}

/** How the receiver answers: a status, or `hold` (keep the request open until `release()`). */
export type ReceiverMode = number | 'hold';

export interface AgentReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Notifications answered 2xx, in the order they were accepted. */
  accepted(): ReceivedNotification['body'][];
  setMode(mode: ReceiverMode): void;
  /** Answers every held request with 200. */
  release(): void;
  /** Resolves once `count` notifications were accepted (rejects after `timeoutMs`). */
  waitForAccepted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** An agent tool on loopback receiving chartbot's agent webhook; it can fail, hold, then recover. */
export async function startAgentReceiver(mode: ReceiverMode = 200): Promise<AgentReceiver> {
  const received: ReceivedNotification[] = [];
  const held: Array<{ res: ServerResponse; entry: ReceivedNotification }> = [];
  let current = mode;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const accepted = () => received.filter((r) => r.answered >= 200 && r.answered < 300).map((r) => r.body);
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (accepted().length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const answer = (res: ServerResponse, entry: ReceivedNotification, status: number) => {
    entry.answered = status;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    wake();
  };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: ReceivedNotification = { raw, signature: req.headers['x-chartbot-signature'] as string | undefined, body: JSON.parse(raw), answered: 0 };
      received.push(entry);
      if (current === 'hold') held.push({ res, entry });
      else answer(res, entry, current);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/chartbot-events`,
    received,
    accepted,
    setMode: (next) => (current = next),
    release() {
      for (const { res, entry } of held.splice(0)) answer(res, entry, 200);
    },
    waitForAccepted(count, timeoutMs = 10_000) {
      if (accepted().length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve };
        waiters.push(waiter);
        setTimeout(() => reject(new Error(`only ${accepted().length} of ${count} notifications accepted within ${timeoutMs} ms: ${received.map((r) => `${r.body.type}/${r.answered}`).join(', ')}`)), timeoutMs).unref();
      });
    },
    async close() {
      for (const { res } of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
