import { afterEach, describe, expect, it } from 'vitest';
import observedFlow from '../fixtures/flows/observed.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { BUSINESS, buttonReply, envelope, postWebhook, status, textMessage } from '../helpers/webhooks.ts';
import type { HistoryResponse } from '../../src/observability/history-router.ts';
import { ContactHistory } from '../../src/observability/contact-history.ts';
import { emptyRecord } from '../../src/store/contact-record.ts';

const observed = toFlow(observedFlow, 'observed.ts');

const TOKEN = 'api-token';
const WA = '4915550001001';

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** GET the history; `token: null` sends none. */
async function history(url: string, waId = WA, query = '', token: string | null = TOKEN): Promise<{ status: number; body: HistoryResponse }> {
  const res = await fetch(`${url}/api/sessions/${BUSINESS.phoneNumberId}/${waId}/history${query}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as HistoryResponse };
}

async function say(url: string, ...messages: Array<Record<string, unknown>>): Promise<void> {
  for (const message of messages) expect((await postWebhook(url, envelope({ messages: [message] }))).status).toBe(200);
}

const isSendTo = (request: RecordedRequest, to: string) => (request.body as { status?: unknown; to?: unknown } | null)?.to === to;

describe('GET /api/sessions/{businessNumberId}/{waId}/history', () => {
  it('returns the last N steps with their replies’ ids and current statuses, without text by default, stored with the contact', async () => {
    t = await startBotUnderTest({ flows: [observed], apiToken: TOKEN, history: { size: 3 } });
    const messages = [1, 2, 3, 4, 5].map((n) => textMessage(WA, `secret ${n}`));
    await say(t.url, ...messages);
    await t.bot.runtime.idle();

    const { status: code, body } = await history(t.url);
    expect(code).toBe(200);
    expect(body.size).toBe(3);
    expect(body.text).toBe(false);
    expect(body.entries.map((e) => e.messageId)).toEqual(messages.slice(2).map((m) => m.id));
    const sent = t.mock.sends().map((s) => s.body);
    expect(sent).toHaveLength(5);
    for (const entry of body.entries) expect(entry).toMatchObject({ kind: 'step', event: 'user.text', before: 'talking', after: 'talking' });
    // wamid.out.N: the mock numbers its answers; receipts are numbered separately.
    const ids = body.entries.map((e) => e.replies?.map((r) => r.id));
    expect(ids).toEqual([[expect.stringMatching(/^wamid\.out\./)], [expect.stringMatching(/^wamid\.out\./)], [expect.stringMatching(/^wamid\.out\./)]]);
    for (const entry of body.entries) expect(entry.replies).toEqual([{ type: 'text', id: entry.replies![0]!.id, status: 'accepted' }]);
    // Privacy by default: neither the user's words nor the bot's are kept.
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(JSON.stringify(body)).not.toContain('echo');

    // A status webhook moves the reply's status on.
    const lastReply = body.entries[2]!.replies![0]!.id!;
    await postWebhook(t.url, envelope({ statuses: [status(lastReply, 'delivered', WA)] }));
    await t.bot.runtime.idle();
    expect((await history(t.url, WA, '?limit=1')).body.entries).toMatchObject([{ messageId: messages[4]!.id, replies: [{ id: lastReply, status: 'delivered' }] }]);

    // Stored with the contact: a restarted bot serves the same history.
    await t.stop();
    t = await startBotUnderTest({ flows: [observed], apiToken: TOKEN, history: { size: 3 } }, { mock: t.mock, dataDir: t.dataDir });
    expect((await history(t.url)).body.entries.map((e) => e.messageId)).toEqual(messages.slice(2).map((m) => m.id));
  });

  it('needs the bearer token, answers 404 for an unknown contact and 400 for a bad limit', async () => {
    t = await startBotUnderTest({ flows: [observed], apiToken: TOKEN });
    await say(t.url, textMessage(WA, 'hi'));
    await t.bot.runtime.idle();
    expect((await history(t.url, WA, '', null)).status).toBe(401);
    expect((await history(t.url, WA, '', 'wrong')).status).toBe(401);
    expect((await history(t.url, '4915550009999')).status).toBe(404);
    expect((await history(t.url, WA, '?limit=0')).status).toBe(400);
    const { body } = await history(t.url, `+${WA}`);
    expect(body.size).toBe(50);
    expect(body.entries).toHaveLength(1);
  });

  it('keeps message text only when history text is on', async () => {
    t = await startBotUnderTest({ flows: [observed], apiToken: TOKEN, history: { text: true } });
    await say(t.url, textMessage(WA, 'hello'), buttonReply(WA, 'yes', 'Yes please'));
    await t.bot.runtime.idle();
    const { body } = await history(t.url);
    expect(body.text).toBe(true);
    expect(body.entries).toMatchObject([
      { event: 'user.text', text: 'hello', after: 'talking', replies: [{ type: 'text', status: 'accepted', text: 'echo: hello' }] },
      { event: 'user.button', text: 'Yes please', replies: [{ type: 'text', status: 'accepted', text: 'tapped Yes please' }] },
    ]);
    expect(body.entries[0]).not.toHaveProperty('before');
  });

  it('shows flow errors, replies refused for good and replies waiting for a retry', async () => {
    const refused = '4915550001002';
    const retrying = '4915550001003';
    const mock = await startMockProvider({
      answer: (request) => {
        if (isSendTo(request, refused)) return { status: 400, body: { error: { code: 131026, message: 'Message undeliverable' } } };
        if (isSendTo(request, retrying)) return { status: 503, body: { error: { code: 131000, message: 'Something went wrong' } } };
        return undefined;
      },
    });
    t = await startBotUnderTest({ flows: [observed], apiToken: TOKEN, delivery: { retry: { baseDelayMs: 60_000 } } }, { mock });
    await say(t.url, textMessage(WA, 'boom'), textMessage(refused, 'hello'), textMessage(retrying, 'hello'));
    await mock.waitFor(5); // three read receipts, two sends (the flow threw on "boom")
    // The refused reply reaches the machine as bot.failed, in a step of its own.
    await waitUntil(async () => (await history(t!.url, refused)).body.entries?.length === 2, 'the bot.failed step');

    const boom = (await history(t.url)).body.entries;
    expect(boom).toHaveLength(1);
    expect(boom[0]!.error).toContain('flow exploded on purpose');
    expect(boom[0]).not.toHaveProperty('replies');

    const failed = (await history(t.url, refused)).body.entries;
    expect(failed.map((e) => e.event)).toEqual(['user.text', 'bot.failed']);
    expect(failed[0]!.replies).toEqual([{ type: 'text', status: 'failed', error: { code: 131026, title: 'Message undeliverable' } }]);

    const replyOf = async () => (await history(t!.url, retrying)).body.entries?.[0]?.replies?.[0];
    await waitUntil(async () => (await replyOf())?.status !== 'pending', 'the failed attempt saved');
    const waiting = (await history(t.url, retrying)).body.entries;
    expect(waiting[0]!.replies).toEqual([{ type: 'text', status: 'retrying', error: { code: 131000, title: 'Something went wrong' } }]);
  });
});

describe('ContactHistory', () => {
  it('keeps the newest entries up to its size, agent actions included, and drops text unless text is on', () => {
    const record = emptyRecord(BUSINESS.phoneNumberId, WA);
    const history = new ContactHistory({ size: 2 });
    for (const n of [1, 2, 3]) history.append(record, { at: n, kind: 'agent', event: 'agent.reply', agent: 'sam', text: `words ${n}` });
    expect(record.history).toEqual([
      { at: 2, kind: 'agent', event: 'agent.reply', agent: 'sam' },
      { at: 3, kind: 'agent', event: 'agent.reply', agent: 'sam' },
    ]);
    const withText = new ContactHistory({ size: 1, text: true });
    withText.append(record, { at: 4, kind: 'agent', event: 'agent.reply', text: 'kept' });
    expect(record.history).toHaveLength(1);
    expect(record.history![0]!.text).toBe('kept');
    const none = new ContactHistory({ size: 0 });
    const untouched = emptyRecord(BUSINESS.phoneNumberId, WA);
    none.append(untouched, { at: 1, kind: 'agent', event: 'agent.reply' });
    expect(untouched.history).toBeUndefined();
    expect(() => new ContactHistory({ size: -1 })).toThrow(/whole number/);
  });
});
