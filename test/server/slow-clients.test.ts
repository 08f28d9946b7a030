import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import echo from '../fixtures/flows/echo.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';

const flows = [toFlow(echo, 'echo.ts')];
let t: BotUnderTest | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await t?.cleanup();
  t = undefined;
});

async function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
}

/** Resolves with the ms until the server closed the socket, or rejects after `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${limitMs} ms`)), limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
    socket.resume();
  });
}

describe('slow and silent clients', () => {
  it('a client that never finishes its headers (slowloris) is cut off after the headers timeout', async () => {
    t = await startBotUnderTest({ flows, http: { headersMs: 600, requestMs: 1500, idleMs: 5000 } });
    const socket = await open(t.url);
    socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    try {
      expect(await closedWithin(socket, 4000)).toBeLessThan(4000);
    } finally {
      clearInterval(drip);
    }
  });

  it('a connection that sends nothing at all is closed', async () => {
    t = await startBotUnderTest({ flows, http: { headersMs: 600, requestMs: 1500, idleMs: 800 } });
    const silent = await Promise.all(Array.from({ length: 20 }, () => open(t!.url)));
    const closed = await Promise.all(silent.map((socket) => closedWithin(socket, 4000)));
    expect(closed).toHaveLength(20);
  });

  it('a body that never finishes is cut off after the request timeout', async () => {
    t = await startBotUnderTest({ flows, http: { headersMs: 600, requestMs: 1200, idleMs: 5000 } });
    const socket = await open(t.url);
    socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"entry":');
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    try {
      expect(await closedWithin(socket, 5000)).toBeLessThan(5000);
    } finally {
      clearInterval(drip);
    }
  });

  it('a declared 50 MiB body gets 413 at once and the connection is closed without reading it', async () => {
    t = await startBotUnderTest({ flows });
    const socket = await open(t.url);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const closed = closedWithin(socket, 3000);
    socket.write(`POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{"entry":[`);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain('connection: close');
  });
});
