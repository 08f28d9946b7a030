import { afterEach, describe, expect, it } from 'vitest';
import desk from '../readme/handover-flow.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { parseSamples, sampleValue } from '../helpers/prometheus-text.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import type { HistoryResponse } from '../../src/observability/history-router.ts';

const TOKEN = 'api-token';
const WA = '4915550005001';

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const openHandovers = async () => sampleValue(parseSamples(await (await fetch(`${t!.url}/metrics`)).text()), 'chartbot_handovers_open');
const agent = (action: 'messages' | 'resolve', body: unknown) =>
  fetch(`${t!.url}/api/handovers/${BUSINESS.phoneNumberId}/${WA}/${action}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

describe('hand-overs in the metrics and the history', () => {
  it('counts open hand-overs, and shows what agents did among the steps', async () => {
    t = await startBotUnderTest({ flows: [toFlow(desk, 'handover-flow.ts')], apiToken: TOKEN, metrics: true });
    const say = async (words: string) => {
      expect((await postWebhook(t!.url, envelope({ messages: [textMessage(WA, words)] }))).status).toBe(200);
      await t!.bot.runtime.idle();
    };
    await say('hello');
    expect(await openHandovers()).toBe(0);
    await say('a person please');
    expect(await openHandovers()).toBe(1);

    expect((await agent('messages', { agent: 'Sam', messages: ['Hi, Sam here.'] })).status).toBe(200);
    await t.bot.runtime.idle();
    expect((await agent('resolve', { agent: 'Sam' })).status).toBe(200);
    await t.bot.runtime.idle();
    expect(await openHandovers()).toBe(0);

    const res = await fetch(`${t.url}/api/sessions/${BUSINESS.phoneNumberId}/${WA}/history`, { headers: auth });
    const { entries } = (await res.json()) as HistoryResponse;
    expect(entries.map((e) => `${e.kind} ${e.event}`)).toEqual([
      'step user.text',
      'step user.text',
      'agent agent.message',
      'step agent.message',
      'agent agent.resolve',
      'step agent.resolved',
    ]);
    expect(entries[1]).toMatchObject({ before: 'bot', after: 'people', replies: [{ type: 'text', status: 'accepted' }] });
    expect(entries[2]).toEqual({ at: expect.any(Number), kind: 'agent', event: 'agent.message', agent: 'Sam', messages: 1, types: ['text'] });
    expect(entries[4]).toEqual({ at: expect.any(Number), kind: 'agent', event: 'agent.resolve', agent: 'Sam' });
  });
});
