import { afterEach, describe, expect, it } from 'vitest';
import troublemaker, { fragility } from '../fixtures/flows/troublemaker.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';

const flows = [toFlow(troublemaker, 'troublemaker.ts')];
const TOKEN = 'admin-token-for-tests';
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** `token: null` sends no Authorization header at all. */
const api = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
  fetch(`${t!.url}/api${path}`, { ...init, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(init.headers ?? {}) } });

describe('admin API', () => {
  it('is off without CHARTBOT_API_TOKEN (404 on every /api route)', async () => {
    t = await startBotUnderTest({ flows });
    for (const path of ['/sessions', '/parked', '/messages/x?businessNumberId=1&to=2']) expect((await api(path)).status, path).toBe(404);
    expect((await api('/parked/x/retry', { method: 'POST' })).status).toBe(404);
  });

  it('needs the bearer token on every route, the proactive API included', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    for (const token of [null, 'wrong', `${TOKEN}x`, '']) {
      for (const [path, method] of [['/sessions', 'GET'], ['/sessions/1/2', 'GET'], ['/parked', 'GET'], ['/parked/x/retry', 'POST'], ['/messages', 'POST']] as const) {
        const res = await api(path, { method }, token);
        expect(res.status, `${method} ${path} with ${token}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });

  it('lists sessions and shows one contact\'s state and context', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    await postWebhook(t.url, envelope({ messages: [textMessage('4914000001', 'a'), textMessage('4914000002', 'b'), textMessage('4914000002', 'c')] }));
    await t.bot.runtime.idle();
    const list = (await (await api('/sessions')).json()) as { total: number; sessions: Array<Record<string, unknown>> };
    expect(list.total).toBe(2);
    expect(list.sessions.map((s) => [s.waId, s.flow, s.state])).toEqual([
      ['4914000001', 'troublemaker', 'chatting'],
      ['4914000002', 'troublemaker', 'chatting'],
    ]);
    expect(((await (await api('/sessions?limit=1&offset=1')).json()) as { sessions: unknown[] }).sessions).toHaveLength(1);
    const one = await api(`/sessions/${BUSINESS.phoneNumberId}/4914000002`);
    expect(await one.json()).toMatchObject({ key: `${BUSINESS.phoneNumberId}:4914000002`, state: 'chatting', context: { count: 2 }, timers: [] });
    expect((await api(`/sessions/${BUSINESS.phoneNumberId}/4999`)).status).toBe(404);
  });

  it('lists parked messages and retries one through the contact\'s queue', async () => {
    fragility.broken = true;
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const fragile = textMessage('4914000003', 'fragile');
    await postWebhook(t.url, envelope({ messages: [fragile] }));
    await t.bot.runtime.idle();
    const { parked } = (await (await api('/parked')).json()) as { parked: Array<Record<string, unknown>> };
    expect(parked).toEqual([expect.objectContaining({ id: fragile.id, waId: '4914000003', error: 'Error: still broken', attempts: 1 })]);
    expect(await (await api(`/parked/${String(fragile.id)}`)).json()).toMatchObject({ id: fragile.id });

    const again = await api(`/parked/${String(fragile.id)}/retry`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ status: 'parked', error: 'Error: still broken' });

    fragility.broken = false;
    const retried = await api(`/parked/${String(fragile.id)}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ status: 'delivered' });
    expect(t.mock.sends().map((s) => (s.body.text as { body?: string } | undefined)?.body)).toEqual(['#1: fragile']);
    expect(await (await api('/parked')).json()).toEqual({ parked: [] });
    expect((await api(`/parked/${String(fragile.id)}/retry`, { method: 'POST' })).status).toBe(404);
    expect((await api('/parked/nope')).status).toBe(404);
  });
});
