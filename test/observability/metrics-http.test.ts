import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import observedFlow from '../fixtures/flows/observed.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider, type MockAnswer, type RecordedRequest } from '../helpers/mock-provider.ts';
import { parseSamples, sampleValue, type Sample } from '../helpers/prometheus-text.ts';
import { BUSINESS, buttonReply, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { createBot } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';

const observed = toFlow(observedFlow, 'observed.ts');

const SECRET = 'webhook-secret';
const SCRAPE_TOKEN = 'scrape-token';
const A = '4915550000001'; // its first reply gets a 429, then goes through
const B = '4915550000002'; // two texts and a tap
const C = '4915550000003'; // the flow throws
const D = '4915550000004'; // a pending timer
const E = '4915550000005'; // a message the flow does not answer
const F = '4915550000006'; // the gateway refuses its reply for good

let bots: BotUnderTest[] = [];
afterEach(async () => {
  for (const bot of bots) await bot.cleanup();
  bots = [];
});

const isSend = (request: RecordedRequest) => (request.body as { status?: unknown } | null)?.status !== 'read';
const sendTo = (request: RecordedRequest) => (request.body as { to?: unknown } | null)?.to;

async function scrape(url: string, token?: string): Promise<Response> {
  return fetch(`${url}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

async function samplesOf(url: string): Promise<{ text: string; samples: Sample[] }> {
  const res = await scrape(url, SCRAPE_TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  return { text, samples: parseSamples(text) };
}

describe('GET /metrics after real traffic', () => {
  it('counts messages, replies, receipts, gateway errors and retries, flow errors, webhook answers and latencies exactly', async () => {
    let failedA = false;
    const mock = await startMockProvider({
      answer: (request): MockAnswer | undefined => {
        if (!isSend(request)) return undefined;
        if (sendTo(request) === A && !failedA) {
          failedA = true;
          return { status: 429, body: { error: { code: 130429, message: 'Rate limit hit', type: 'OAuthException' } } };
        }
        if (sendTo(request) === F) return { status: 400, body: { error: { code: 131026, message: 'Message undeliverable', type: 'OAuthException' } } };
        return undefined;
      },
    });
    const t = await startBotUnderTest(
      { flows: [observed], appSecret: SECRET, bodyLimit: 4096, metrics: { token: SCRAPE_TOKEN }, delivery: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } },
      { mock },
    );
    bots.push(t);

    const posts = [
      textMessage(A, 'hello'),
      textMessage(B, 'hi'),
      textMessage(B, 'there'),
      buttonReply(B, 'yes', 'Yes'),
      textMessage(C, 'boom'),
      textMessage(D, 'later'),
      textMessage(E, 'quiet'),
      textMessage(F, 'hello'),
    ];
    for (const message of posts) expect((await postWebhook(t.url, envelope({ messages: [message] }), SECRET)).status).toBe(200);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage(A, 'forged')] }), 'not-the-secret')).status).toBe(401);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage(A, 'x'.repeat(5000))] }), SECRET)).status).toBe(413);
    await t.bot.runtime.idle();

    const { text, samples } = await samplesOf(t.url);
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

    expect(value('chartbot_messages_received_total', { kind: 'text' })).toBe(7);
    expect(value('chartbot_messages_received_total', { kind: 'button' })).toBe(1);
    // A (after its retry), B ×3, D; F's reply refused for good by the gateway.
    expect(value('chartbot_replies_total', { kind: 'text', outcome: 'sent' })).toBe(5);
    expect(value('chartbot_replies_total', { kind: 'text', outcome: 'refused' })).toBe(1);
    expect(value('chartbot_replies_total', { kind: 'text', outcome: 'failed' })).toBeUndefined();
    expect(value('chartbot_read_receipts_total', { outcome: 'sent' })).toBe(8);
    expect(value('chartbot_provider_errors_total', { provider: 'cloud', code: '130429' })).toBe(1);
    expect(value('chartbot_provider_errors_total', { provider: 'cloud', code: '131026' })).toBe(1);
    expect(value('chartbot_provider_retries_total', { provider: 'cloud' })).toBe(1);
    expect(value('chartbot_webhook_requests_total', { status: '200' })).toBe(8);
    expect(value('chartbot_webhook_requests_total', { status: '401' })).toBe(1);
    expect(value('chartbot_webhook_requests_total', { status: '413' })).toBe(1);
    expect(value('chartbot_flow_errors_total', { flow: 'observed' })).toBe(1);
    expect(value('chartbot_parked_messages')).toBe(1);
    // Eight inbound messages and F's `bot.failed`.
    expect(value('chartbot_step_duration_seconds_count', { flow: 'observed' })).toBe(9);
    expect(value('chartbot_step_duration_seconds_bucket', { flow: 'observed', le: '+Inf' })).toBe(9);
    // Answered: A, B ×3, D (C threw, E got no answer, F's was refused).
    expect(value('chartbot_inbound_to_reply_seconds_count')).toBe(5);
    expect(value('chartbot_webhook_ack_seconds_count')).toBe(8);
    expect(value('chartbot_backlog')).toBe(0);
    expect(value('chartbot_timers_pending')).toBe(1);
    expect(value('chartbot_handovers_open')).toBe(0);
    expect(value('chartbot_journal_fsync_seconds_count', { journal: 'inbox' })).toBeGreaterThan(0);
    expect(value('chartbot_journal_fsync_seconds_count', { journal: 'store' })).toBeGreaterThan(0);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name.startsWith('nodejs_eventloop_lag'))).toBe(true);

    // No phone number, business number or message id anywhere in the output.
    for (const number of [A, B, C, D, E, F, BUSINESS.phoneNumberId, BUSINESS.display]) expect(text).not.toContain(number);
    expect(text).not.toContain('wamid');
  });

  it('needs the bearer token when one is set', async () => {
    const t = await startBotUnderTest({ flows: [observed], metrics: { token: SCRAPE_TOKEN } });
    bots.push(t);
    expect((await scrape(t.url)).status).toBe(401);
    expect((await scrape(t.url, 'wrong')).status).toBe(401);
    const res = await scrape(t.url, SCRAPE_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE chartbot_messages_received_total counter');
  });

  it('is open without a token, and absent unless metrics are on', async () => {
    const open = await startBotUnderTest({ flows: [observed], metrics: true });
    bots.push(open);
    expect((await scrape(open.url)).status).toBe(200);
    const off = await startBotUnderTest({ flows: [observed] });
    bots.push(off);
    expect((await scrape(off.url)).status).toBe(404);
  });

  it('keeps each bot’s counters its own (a registry per bot)', async () => {
    const first = await startBotUnderTest({ flows: [observed], metrics: true });
    const second = await startBotUnderTest({ flows: [observed], metrics: true });
    bots.push(first, second);
    await postWebhook(first.url, envelope({ messages: [textMessage(A, 'hello')] }));
    await first.bot.runtime.idle();
    const count = async (url: string) => sampleValue(parseSamples(await (await scrape(url)).text()), 'chartbot_messages_received_total', { kind: 'text' });
    expect(await count(first.url)).toBe(1);
    expect(await count(second.url)).toBeUndefined();
  });
});

describe('with the API on a port of its own (CHARTBOT_API_PORT)', () => {
  it('serves /metrics and the history there, with the other internal routes, and not on the webhook port', async () => {
    const mock = await startMockProvider();
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-metrics-api-port-'));
    const provider = cloudApiProvider({ token: 'test-token', baseUrl: `${mock.url}/v23.0` });
    const bot = await createBot({ flows: [observed], provider, dataDir, logger: silentLogger(), apiToken: 'api-token', apiPort: 0, metrics: true });
    try {
      const { url, apiUrl } = await bot.listen(0);
      await postWebhook(url, envelope({ messages: [textMessage(A, 'hello')] }));
      await bot.runtime.idle();
      expect((await scrape(url)).status).toBe(404);
      expect(sampleValue(parseSamples(await (await scrape(apiUrl!)).text()), 'chartbot_messages_received_total', { kind: 'text' })).toBe(1);
      const history = await fetch(`${apiUrl}/api/sessions/${BUSINESS.phoneNumberId}/${A}/history`, { headers: { authorization: 'Bearer api-token' } });
      expect(((await history.json()) as { entries: unknown[] }).entries).toHaveLength(1);
      expect((await fetch(`${url}/api/sessions/${BUSINESS.phoneNumberId}/${A}/history`, { headers: { authorization: 'Bearer api-token' } })).status).toBe(404);
    } finally {
      await bot.close();
      await provider.close?.();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
