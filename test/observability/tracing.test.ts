import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import observedFlow from '../fixtures/flows/observed.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { hashContactKey } from '../../src/observability/tracing.ts';
import { contactKey } from '../../src/store/contact-record.ts';

const observed = toFlow(observedFlow, 'observed.ts');

const SECRET = 'webhook-secret';
const WA = '4915550002001';

// What a user does to see chartbot's spans: register an SDK (here with an in-memory exporter) and
// a context manager (NodeSDK and NodeTracerProvider.register() use the same AsyncLocalStorage one).
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
  exporter.reset();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const isSend = (request: RecordedRequest) => (request.body as { status?: unknown } | null)?.status !== 'read';

describe('traces', () => {
  it('link a webhook POST, the step it caused and its gateway calls (a 429 and its retry included) in one tree', async () => {
    let failed = false;
    const mock = await startMockProvider({
      answer: (request) => {
        if (!isSend(request) || failed) return undefined;
        failed = true;
        return { status: 429, body: { error: { code: 130429, message: 'Rate limit hit' } } };
      },
    });
    t = await startBotUnderTest({ flows: [observed], appSecret: SECRET, delivery: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } }, { mock });
    expect((await postWebhook(t.url, envelope({ messages: [textMessage(WA, 'hello')] }), SECRET)).status).toBe(200);
    await t.bot.runtime.idle();

    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [webhook] = named('POST /webhook');
    const [step] = named('chartbot.step');
    const [receipt] = named('chartbot.provider.mark_read');
    const sends = named('chartbot.provider.send');
    expect(named('POST /webhook')).toHaveLength(1);
    expect(named('chartbot.step')).toHaveLength(1);
    expect(sends).toHaveLength(2);
    expect(spans).toHaveLength(5);

    // One trace; the webhook POST is its root, everything else hangs from it.
    const traceId = webhook!.spanContext().traceId;
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(webhook!)).toBeUndefined();
    expect(webhook!.kind).toBe(SpanKind.SERVER);
    expect(webhook!.attributes).toMatchObject({ 'http.response.status_code': 200, 'chartbot.webhook.messages': 1, 'chartbot.webhook.statuses': 0 });
    for (const child of [step!, receipt!, ...sends]) expect(parentOf(child)).toBe(webhook!.spanContext().spanId);

    const contact = hashContactKey(contactKey(BUSINESS.phoneNumberId, WA));
    expect(step!.attributes).toMatchObject({ 'chartbot.contact': contact, 'chartbot.flow': 'observed', 'chartbot.event': 'user.text', 'chartbot.state.before': '(none)', 'chartbot.state.after': 'talking', 'chartbot.replies': 1 });
    expect(sends.map((s) => s.kind)).toEqual([SpanKind.CLIENT, SpanKind.CLIENT]);
    expect(sends[0]!.attributes).toMatchObject({ 'chartbot.contact': contact, 'chartbot.provider': 'cloud', 'chartbot.message.type': 'text', 'chartbot.error.code': 130429, 'chartbot.error.retryable': true });
    expect(sends[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(sends[1]!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(sends[1]!.startTime[0] * 1e9 + sends[1]!.startTime[1]).toBeGreaterThan(sends[0]!.endTime[0] * 1e9 + sends[0]!.endTime[1]);

    // Contact keys are hashed: no phone number or message id in any span.
    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    for (const secret of [WA, BUSINESS.phoneNumberId, BUSINESS.display, 'wamid']) expect(everything).not.toContain(secret);
  });

  it('a rejected POST gets its span with the status, and a failing flow marks its step span as failed', async () => {
    t = await startBotUnderTest({ flows: [observed], appSecret: SECRET });
    expect((await postWebhook(t.url, envelope({ messages: [textMessage(WA, 'hello')] }), 'forged')).status).toBe(401);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage(WA, 'boom')] }), SECRET)).status).toBe(200);
    await t.bot.runtime.idle();
    const spans = exporter.getFinishedSpans();
    const webhooks = spans.filter((s) => s.name === 'POST /webhook');
    expect(webhooks.map((s) => s.attributes['http.response.status_code'])).toEqual([401, 200]);
    const [step] = spans.filter((s) => s.name === 'chartbot.step');
    expect(parentOf(step!)).toBe(webhooks[1]!.spanContext().spanId);
    expect(step!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error' });
    // The error's message (user code may put anything in it) is not recorded: only its type.
    expect(JSON.stringify(step!.events)).not.toContain('exploded');
  });
});
