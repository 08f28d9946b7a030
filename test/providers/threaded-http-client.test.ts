import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreadedHttpClient } from '../../src/providers/threaded-http-client.ts';

/** Echoes method, path and body back as JSON, after `?delay=ms`; `/bytes` answers raw bytes. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => {
        if (req.url?.startsWith('/bytes')) return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([1, 2, 3, 255]));
        if (req.url?.startsWith('/text')) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream broke');
        res.writeHead(201, { 'content-type': 'application/json', 'x-echo': 'yes' });
        res.end(JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString('utf8'), auth: req.headers.authorization }));
      }, delay);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createThreadedHttpClient (gateway calls on a worker thread)', () => {
  it('answers each of many concurrent calls with its own response (batched both ways)', async () => {
    const http = createThreadedHttpClient();
    const calls = Array.from({ length: 60 }, (_, i) =>
      http.call({ method: 'POST', url: `${url}/v1/n${i}/messages?delay=${i % 7}`, headers: { authorization: `Bearer t${i}` }, json: { i } }),
    );
    const answers = await Promise.all(calls);
    answers.forEach((res, i) => {
      expect(res.status).toBe(201);
      expect(res.headers['x-echo']).toBe('yes');
      expect(res.body).toEqual({ method: 'POST', path: `/v1/n${i}/messages?delay=${i % 7}`, body: JSON.stringify({ i }), auth: `Bearer t${i}` });
    });
    await http.close();
  });

  it('returns raw bytes as a Buffer, and non-JSON bodies as text', async () => {
    const http = createThreadedHttpClient();
    const bytes = await http.call({ method: 'GET', url: `${url}/bytes`, raw: true });
    expect(Buffer.isBuffer(bytes.body)).toBe(true);
    expect([...(bytes.body as Buffer)]).toEqual([1, 2, 3, 255]);
    const text = await http.call({ method: 'GET', url: `${url}/text` });
    expect(text).toMatchObject({ status: 500, body: 'upstream broke' });
    await http.close();
  });

  it('rebuilds network errors with their code (the providers map ECONNREFUSED and timeouts from it)', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const http = createThreadedHttpClient();
    await expect(http.call({ method: 'GET', url: `http://127.0.0.1:${port}/x` })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(http.call({ method: 'GET', url: 'not a url' })).rejects.toThrow(/Invalid URL/);
    await http.close();
  });

  it('close() lets calls in flight finish, then refuses new ones', async () => {
    const http = createThreadedHttpClient();
    const inFlight = http.call({ method: 'GET', url: `${url}/slow?delay=150` });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await http.close();
    await expect(inFlight).resolves.toMatchObject({ status: 201 });
    await expect(http.call({ method: 'GET', url: `${url}/after` })).rejects.toThrow(/closed/);
  });
});
