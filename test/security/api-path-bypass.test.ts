import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import troublemaker from '../fixtures/flows/troublemaker.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { canonicalPath } from '../../src/api/api-guard.ts';

const flows = [toFlow(troublemaker, 'troublemaker.ts')];
const TOKEN = 'api-token-for-bypass-tests';
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** A request with the path exactly as written (fetch would normalise `//`, `.` and `..` away). */
function raw(base: string, path: string, method: string, token?: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? JSON.stringify({ businessNumberId: '1', to: '4915550001', messages: [{ type: 'text', text: { body: 'hi' } }] }) : undefined);
  });
}

/** Every /api route, as a user's script would call it. */
const ROUTES: Array<[string, string]> = [
  ['GET', '/api/sessions'],
  ['GET', '/api/sessions/106540352242922/4915550001'],
  ['GET', '/api/parked'],
  ['GET', '/api/parked/wamid.x'],
  ['POST', '/api/parked/wamid.x/retry'],
  ['POST', '/api/messages'],
  ['GET', '/api/messages/wamid.x?businessNumberId=1&to=2'],
  ['GET', '/api/handovers'],
  ['POST', '/api/handovers/106540352242922/4915550001/messages'],
  ['POST', '/api/handovers/106540352242922/4915550001/resolve'],
];

/** The same path spelled the ways routers and proxies may treat alike. */
function spellings(path: string): string[] {
  const rest = path.slice('/api'.length);
  return [
    path,
    `/API${rest}`,
    `/Api${rest}`,
    `/aPI${rest.toUpperCase()}`,
    `//api${rest}`,
    `/api/${rest}`,
    `${path.split('?')[0]}/`,
    `/api%2F${rest.slice(1)}`,
    `/%61pi${rest}`,
    `/%2561pi${rest}`,
    `/x/../api${rest}`,
    `/./api${rest}`,
    `/api/.${rest}`,
    `/API/./${rest.slice(1)}`,
  ];
}

describe('the admin and proactive API cannot be reached without the token, however the path is spelled', () => {
  it('canonicalPath folds case, encoding, repeated slashes and dot segments', () => {
    expect(canonicalPath('/API//Sessions/./x/../')).toBe('/api/sessions');
    expect(canonicalPath('/%61pi%2Fsessions')).toBe('/api/sessions');
    expect(canonicalPath('/%E0%A4%A')).toBe('/%e0%a4%a'); // malformed escapes are judged as written
  });

  it('answers 401 or 404 (never a 2xx or a 400 that ran the route) to every spelling of every route', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const leaks: string[] = [];
    for (const [method, path] of ROUTES) {
      for (const spelled of spellings(path)) {
        const { status } = await raw(t.url, spelled, method);
        if (status !== 401 && status !== 404) leaks.push(`${method} ${spelled} → ${status}`);
      }
    }
    expect(leaks).toEqual([]);
    // Nothing was sent to anyone.
    expect(t.mock.sends()).toEqual([]);
  });

  it('with the token the canonical routes work, and other case spellings are not routes', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    expect((await raw(t.url, '/api/sessions', 'GET', TOKEN)).status).toBe(200);
    expect((await raw(t.url, '/API/sessions', 'GET', TOKEN)).status).toBe(404);
  });

  it('without CHARTBOT_API_TOKEN every spelling is 404', async () => {
    t = await startBotUnderTest({ flows });
    for (const [method, path] of ROUTES) for (const spelled of spellings(path)) expect((await raw(t.url, spelled, method)).status, `${method} ${spelled}`).toBe(404);
  });

  it('with CHARTBOT_API_PORT the API is served on its own port only', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN, apiPort: 0 });
    const apiUrl = t.apiUrl;
    expect(apiUrl).toBeDefined();
    expect((await raw(t.url, '/api/sessions', 'GET', TOKEN)).status).toBe(404);
    expect((await raw(apiUrl!, '/api/sessions', 'GET', TOKEN)).status).toBe(200);
    expect((await raw(apiUrl!, '/API/sessions', 'GET')).status).toBe(401);
    expect((await raw(apiUrl!, '/health', 'GET')).status).toBe(200);
    expect((await raw(apiUrl!, '/webhook', 'POST')).status).toBe(404);
  });
});
