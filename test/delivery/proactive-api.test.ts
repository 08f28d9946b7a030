import { afterEach, describe, expect, it } from 'vitest';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, postWebhook, status, textMessage } from '../helpers/webhooks.ts';
import { deliveryFlow } from './delivery-flow.ts';

const TOKEN = 'proactive-secret';
const WA = '4915100000002';
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const api = (url: string, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
  fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` }),
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });

describe('proactive API over HTTP', () => {
  it('is off without a token (404)', async () => {
    t = await startBotUnderTest({ flows: [deliveryFlow] });
    const res = await api(t.url, '/api/messages', { method: 'POST', body: { businessNumberId: BUSINESS.phoneNumberId, to: WA, messages: [] } });
    expect(res.status).toBe(404);
  });

  it('refuses a missing or wrong bearer token with 401 and sends nothing', async () => {
    t = await startBotUnderTest({ flows: [deliveryFlow], apiToken: TOKEN });
    const body = { businessNumberId: BUSINESS.phoneNumberId, to: WA, messages: [{ type: 'text', text: { body: 'hi' } }] };
    expect((await api(t.url, '/api/messages', { method: 'POST', body, token: null })).status).toBe(401);
    expect((await api(t.url, '/api/messages', { method: 'POST', body, token: 'nope' })).status).toBe(401);
    expect((await api(t.url, `/api/messages/wamid.out.1?businessNumberId=${BUSINESS.phoneNumberId}&to=${WA}`, { token: 'nope' })).status).toBe(401);
    expect(t.mock.requests).toHaveLength(0);
  });

  it('sends a template to a new contact and reports its status, monotonic despite out-of-order webhooks', async () => {
    t = await startBotUnderTest({ flows: [deliveryFlow], apiToken: TOKEN });
    const template = { type: 'template', template: { name: 'order_shipped', language: { code: 'en' } } };
    const res = await api(t.url, '/api/messages', { method: 'POST', body: { businessNumberId: BUSINESS.phoneNumberId, to: `+${WA}`, messages: [template] } });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ messageId?: string; type: string }> };
    expect(results).toEqual([{ messageId: 'wamid.out.1', type: 'template' }]);
    expect(t.mock.sends()[0]?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: WA, ...template });

    const statusOf = async () => {
      const r = await api(t!.url, `/api/messages/wamid.out.1?businessNumberId=${BUSINESS.phoneNumberId}&to=${WA}`);
      return { code: r.status, body: (await r.json()) as { status?: string } };
    };
    expect(await statusOf()).toMatchObject({ code: 200, body: { status: 'accepted', type: 'template' } });
    await postWebhook(t.url, envelope({ statuses: [status('wamid.out.1', 'read', WA, 1_700_000_300)] }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ statuses: [status('wamid.out.1', 'delivered', WA, 1_700_000_200)] }));
    await t.bot.runtime.idle();
    expect(await statusOf()).toMatchObject({ code: 200, body: { status: 'read', at: 1_700_000_300_000 } });

    const unknown = await api(t.url, `/api/messages/wamid.nope?businessNumberId=${BUSINESS.phoneNumberId}&to=${WA}`);
    expect(unknown.status).toBe(404);
  });

  it('delivers an event to the contact’s machine, which picks a template when the window is closed', async () => {
    t = await startBotUnderTest({ flows: [deliveryFlow], apiToken: TOKEN, markRead: false });
    const event = { businessNumberId: BUSINESS.phoneNumberId, to: WA, event: { type: 'api.ping' } };
    const closed = await api(t.url, '/api/messages', { method: 'POST', body: event });
    expect(await closed.json()).toEqual({ results: [{ messageId: 'wamid.out.1', type: 'template' }] });

    await postWebhook(t.url, envelope({ messages: [textMessage(WA, 'hi')] }));
    await t.bot.runtime.idle();
    const open = await api(t.url, '/api/messages', { method: 'POST', body: event });
    expect(await open.json()).toEqual({ results: [{ messageId: 'wamid.out.3', type: 'text' }] });
    expect(t.mock.sends().map((s) => s.body.type)).toEqual(['template', 'text', 'text']);
  });

  it('reports a locally refused message in the results', async () => {
    t = await startBotUnderTest({ flows: [deliveryFlow], apiToken: TOKEN });
    const res = await api(t.url, '/api/messages', {
      method: 'POST',
      body: { businessNumberId: BUSINESS.phoneNumberId, to: WA, messages: [{ type: 'text', text: { body: 'no window yet' } }] },
    });
    expect(await res.json()).toEqual({ results: [{ type: 'text', error: { code: 131047, title: expect.stringMatching(/Re-engagement/) } }] });
    expect(t.mock.sends()).toHaveLength(0);
  });

  it.each([
    { why: 'not JSON', body: '{', error: /JSON/ },
    { why: 'no recipient', body: { businessNumberId: BUSINESS.phoneNumberId, messages: [{ type: 'text' }] }, error: /required/ },
    { why: 'both event and messages', body: { businessNumberId: BUSINESS.phoneNumberId, to: WA, event: { type: 'api.x' }, messages: [{ type: 'text' }] }, error: /either/ },
    { why: 'reserved event type', body: { businessNumberId: BUSINESS.phoneNumberId, to: WA, event: { type: 'user.text' } }, error: /reserved/ },
  ])('answers 400 for $why', async ({ body, error }) => {
    t = await startBotUnderTest({ flows: [deliveryFlow], apiToken: TOKEN });
    const res = await api(t.url, '/api/messages', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(error);
  });
});
