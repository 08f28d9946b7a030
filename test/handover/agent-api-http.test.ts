import { afterEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import support from '../../flows/support.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, buttonReply, envelope, message, postWebhook, textMessage } from '../helpers/webhooks.ts';

const TOKEN = 'agent-api-secret';
const flows = [toFlow(support, 'support.ts')];
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const api = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
  fetch(`${t!.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? TOKEN}` }) },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
const post = (path: string, body: unknown, token?: string | null) => api(path, { method: 'POST', body, ...(token === undefined ? {} : { token }) });
const handover = (wa: string, action: 'messages' | 'resolve') => `/api/handovers/${BUSINESS.phoneNumberId}/${wa}/${action}`;

/** The user writes (through the real webhook) and the bot finishes handling it. */
async function userSays(...messages: Array<Record<string, unknown>>): Promise<void> {
  const res = await postWebhook(t!.url, envelope({ messages, names: { [String(messages[0]?.from)]: 'Cleo' } }));
  expect(res.status).toBe(200);
  await t!.bot.runtime.idle();
}

const textsTo = (wa: string) =>
  t!.mock
    .sends()
    .filter((r) => r.body.to === wa && r.body.type === 'text')
    .map((r) => (r.body.text as { body: string }).body);

describe('agent API over HTTP', () => {
  it('needs the bearer token (401) on every route', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    for (const token of [null, 'wrong']) {
      expect((await api('/api/handovers', { token })).status).toBe(401);
      expect((await post(handover('4915550201', 'messages'), { agent: 'Sam', messages: ['hi'] }, token)).status).toBe(401);
      expect((await post(handover('4915550201', 'resolve'), { agent: 'Sam' }, token)).status).toBe(401);
    }
    expect(t.mock.requests).toHaveLength(0);
  });

  it('lists hand-overs, sends an agent message like any reply, records it on the contact, and resolves', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const wa = '4915550202';
    await userSays(textMessage(wa, 'hi'));
    expect(await (await api('/api/handovers')).json()).toEqual({ handovers: [] });
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    const listed = (await (await api('/api/handovers')).json()) as { handovers: Array<Record<string, unknown>> };
    expect(listed.handovers).toEqual([
      { businessNumberId: BUSINESS.phoneNumberId, waId: wa, name: 'Cleo', since: expect.any(Number), state: 'handover.waiting', lastMessageAt: expect.any(Number), agents: [] },
    ]);

    const res = await post(handover(`+${wa}`, 'messages'), { agent: 'Sam', messages: ['Hi Cleo, I am Sam.', { type: 'text', text: { body: 'Your parcel ships today.' } }] });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ messageId?: string }> };
    expect(results).toEqual([
      { type: 'text', messageId: expect.stringMatching(/^wamid\.out\./) },
      { type: 'text', messageId: expect.stringMatching(/^wamid\.out\./) },
    ]);
    expect(textsTo(wa).slice(-2)).toEqual(['Hi Cleo, I am Sam.', 'Your parcel ships today.']);

    const session = (await (await api(`/api/sessions/${BUSINESS.phoneNumberId}/${wa}`)).json()) as Record<string, unknown>;
    expect(session.handover).toMatchObject({ state: 'handover.talking', agents: ['Sam'] });
    expect(session.agentLog).toEqual([{ kind: 'message', agent: 'Sam', at: expect.any(Number), messages: 2, types: ['text', 'text'] }]);

    const resolved = await post(handover(wa, 'resolve'), { agent: 'Sam' });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toEqual({ ended: true, state: 'rating' });
    expect(t.mock.sends().at(-1)?.body).toMatchObject({ type: 'interactive', interactive: { body: { text: 'Thanks for talking to us, Cleo! How did we do?' } } });
    expect(await (await api('/api/handovers')).json()).toEqual({ handovers: [] });
    const after = (await (await api(`/api/sessions/${BUSINESS.phoneNumberId}/${wa}`)).json()) as Record<string, unknown>;
    expect(after.handover).toBeUndefined();
    expect((after.agentLog as unknown[]).at(-1)).toEqual({ kind: 'resolve', agent: 'Sam', at: expect.any(Number) });
  });

  it('409 for messages and resolve when the contact is not in a hand-over (nothing sent)', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const unknown = await post(handover('4915550203', 'messages'), { agent: 'Sam', messages: ['hi'] });
    expect(unknown.status).toBe(409);
    expect(await unknown.json()).toEqual({ error: expect.stringMatching(/is not in a hand-over \(no conversation\)/) });
    await userSays(textMessage('4915550203', 'hi'));
    const sends = t.mock.sends().length;
    const inMenu = await post(handover('4915550203', 'resolve'), { agent: 'Sam' });
    expect(inMenu.status).toBe(409);
    expect(await inMenu.json()).toEqual({ error: expect.stringMatching(/its conversation is in state "menu"/), state: 'menu' });
    expect((await post(handover('4915550203', 'messages'), { agent: 'Sam', messages: ['hi'] })).status).toBe(409);
    expect(t.mock.sends()).toHaveLength(sends);
  });

  it('refuses a free-form message 24 hours after the user last wrote, naming the window and suggesting a template', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const wa = '4915550204';
    const dayAgo = String(Math.floor((Date.now() - 25 * 3600_000) / 1000));
    await userSays({ ...textMessage(wa, 'hi'), timestamp: dayAgo }, { ...buttonReply(wa, 'human', 'Talk to a person'), timestamp: dayAgo });
    const sends = t.mock.sends().length;
    const res = await post(handover(wa, 'messages'), {
      agent: 'Sam',
      messages: ['Are you still there?', { type: 'template', template: { name: 'support_follow_up', language: { code: 'en' } } }],
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<Record<string, unknown>> };
    expect(results[0]).toEqual({ type: 'text', error: { code: 131047, title: expect.stringMatching(/24-hour customer service window is closed \(the user last wrote at .*\).*send a template message/) } });
    expect(results[1]).toEqual({ type: 'template', messageId: expect.any(String) });
    expect(t.mock.sends().slice(sends).map((r) => r.body.type)).toEqual(['template']);
  });

  it('two agents posting at once: each call is delivered whole, in the order the queue took them', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const wa = '4915550205';
    await userSays(textMessage(wa, 'hi'));
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    const from = (agent: string) => [1, 2, 3, 4].map((n) => `${agent} ${n}`);
    const [sam, kim] = await Promise.all([
      post(handover(wa, 'messages'), { agent: 'Sam', messages: from('Sam') }),
      post(handover(wa, 'messages'), { agent: 'Kim', messages: from('Kim') }),
    ]);
    expect([sam.status, kim.status]).toEqual([200, 200]);
    const sent = textsTo(wa).filter((body) => /^(Sam|Kim) \d$/.test(body));
    expect(sent).toHaveLength(8);
    const first = sent[0]!.split(' ')[0]!;
    const second = first === 'Sam' ? 'Kim' : 'Sam';
    expect(sent).toEqual([...from(first), ...from(second)]);
    const session = (await (await api(`/api/sessions/${BUSINESS.phoneNumberId}/${wa}`)).json()) as { agentLog: Array<{ agent: string }>; handover: { agents: string[] } };
    expect(session.agentLog.map((a) => a.agent)).toEqual([first, second]);
    expect(session.handover.agents).toEqual([first, second]);
  });

  it('answers bad input on every route with a clear 400 (and 413 for a huge body)', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const wa = '4915550206';
    await userSays(textMessage(wa, 'hi'), buttonReply(wa, 'human', 'Talk to a person'));
    const cases: Array<[string, unknown, RegExp]> = [
      [handover(wa, 'messages'), '{not json', /body must be JSON/],
      [handover(wa, 'messages'), [1, 2], /body must be a JSON object/],
      [handover(wa, 'messages'), { messages: ['hi'] }, /agent is required/],
      [handover(wa, 'messages'), { agent: '', messages: ['hi'] }, /agent is required/],
      [handover(wa, 'messages'), { agent: 'x'.repeat(101), messages: ['hi'] }, /1 to 100 characters/],
      [handover(wa, 'messages'), { agent: 'Sam' }, /messages must be a non-empty array/],
      [handover(wa, 'messages'), { agent: 'Sam', messages: [] }, /messages must be a non-empty array/],
      [handover(wa, 'messages'), { agent: 'Sam', messages: [{ type: 'fax' }] }, /messages\[0\]\.type: must be one of text, image/],
      [handover(wa, 'messages'), { agent: 'Sam', messages: [{ type: 'text', text: { body: '' } }] }, /messages\[0\]\.text\.body: must not be empty/],
      [handover(wa, 'messages'), { agent: 'Sam', messages: [{ type: 'image', image: { link: 'file:///etc/passwd' } }] }, /messages\[0\]\.image\.link: must be an http\(s\) URL/],
      [handover(wa, 'messages'), { agent: 'Sam', messages: Array.from({ length: 21 }, () => 'hi') }, /at most 20 messages/],
      [handover(wa, 'resolve'), '', /body must be JSON/],
      [handover(wa, 'resolve'), { agent: 42 }, /agent is required/],
      [`/api/handovers/${BUSINESS.phoneNumberId}/a%20b/resolve`, { agent: 'Sam' }, /the phone_number_id and the WhatsApp id/],
      [`/api/handovers/${'9'.repeat(65)}/${wa}/messages`, { agent: 'Sam', messages: ['hi'] }, /the phone_number_id and the WhatsApp id/],
    ];
    const sends = t.mock.sends().length;
    for (const [path, body, error] of cases) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(((await res.json()) as { error: string }).error, `${path} ${JSON.stringify(body)}`).toMatch(error);
    }
    const huge = await post(handover(wa, 'messages'), { agent: 'Sam', messages: ['x'.repeat(300_000)] });
    expect(huge.status).toBe(413);
    expect(t.mock.sends()).toHaveLength(sends);
    // Bad input lost nothing: the hand-over goes on and an agent can still write.
    expect((await post(handover(wa, 'messages'), { agent: 'Sam', messages: ['still here'] })).status).toBe(200);
    expect(textsTo(wa).at(-1)).toBe('still here');
  });

  it('the user keeps writing during the hand-over: media included, nothing answered but the one reassurance', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN });
    const wa = '4915550207';
    await userSays(textMessage(wa, 'hi'), buttonReply(wa, 'human', 'Talk to a person'));
    const sends = t.mock.sends().length;
    await userSays(textMessage(wa, 'hello?'), message(wa, 'image', { image: { id: 'media-1', mime_type: 'image/jpeg' } }));
    expect(textsTo(wa).slice(-1)).toEqual(['Thanks! An agent will be with you shortly.']);
    expect(t.mock.sends()).toHaveLength(sends + 1);
  });
});

describe('agent API on its own port (CHARTBOT_API_PORT)', () => {
  it('is served with the other /api routes, not on the webhook port', async () => {
    t = await startBotUnderTest({ flows, apiToken: TOKEN, apiPort: 0 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${t.url}/api/handovers`, { headers: auth })).status).toBe(404);
    expect(await (await fetch(`${t.apiUrl}/api/handovers`, { headers: auth })).json()).toEqual({ handovers: [] });
    expect((await fetch(`${t.apiUrl}/api/handovers`)).status).toBe(401);
  });
});
