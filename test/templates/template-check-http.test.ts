import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import type { Flow } from '../../src/conversation/define-flow.ts';
import { reply } from '../../src/conversation/reply.ts';
import type { ChartbotEvent } from '../../src/messages/inbound-events.ts';
import { template } from '../../src/messages/template-builders.ts';
import { mediaParam } from '../../src/messages/template-builders.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider, type RecordedRequest } from '../helpers/mock-provider.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { GRAPH_TEMPLATES } from './template-fixtures.ts';

const WABA = '102290129340398';
const USER = '4915111111111';

/** "good" sends order_shipped as approved; "short" leaves out a body value; bot.failed is answered with its code and title. */
const machine = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  id: 'templated',
  initial: 'idle',
  states: {
    idle: {
      on: {
        'user.text': {
          actions: reply(({ event }) =>
            template('order_shipped', 'en_US', {
              header: mediaParam('image', { link: 'https://example.com/box.jpg' }),
              body: event.text === 'short' ? ['Ada', '#1042'] : ['Ada', '#1042', 'Monday'],
              buttons: [
                { index: 1, type: 'url', value: '1042' },
                { index: 2, type: 'copy_code', value: 'SAVE10' },
              ],
            }),
          ),
        },
        'bot.failed': { actions: reply(({ event }) => `failed ${event.code}: ${event.title}`) },
      },
    },
  },
});
const flow: Flow = { name: 'templated', machine };

const isTemplateList = (r: RecordedRequest) => r.method === 'GET' && r.path.startsWith(`/v23.0/${WABA}/message_templates`);

describe('template check before sending (real HTTP: webhook in, Graph API and send API mocked)', () => {
  let t: BotUnderTest | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('refuses a mismatching send locally with bot.failed, sends a fitting one, refetches on a template status webhook', async () => {
    let listed = GRAPH_TEMPLATES;
    // The list comes in two pages, as the Graph API pages it.
    const mock = await startMockProvider({
      answer: (request, baseUrl) => {
        if (!isTemplateList(request)) return undefined;
        expect(request.headers.authorization).toBe('Bearer graph-token');
        const second = request.path.includes('after=page2');
        const half = Math.ceil(listed.length / 2);
        return second
          ? { status: 200, body: { data: listed.slice(half), paging: { cursors: { before: 'b' } } } }
          : { status: 200, body: { data: listed.slice(0, half), paging: { cursors: { after: 'page2' }, next: `${baseUrl}/v23.0/${WABA}/message_templates?limit=100&after=page2` } } };
      },
    });
    t = await startBotUnderTest({ flows: [flow], templates: { wabaId: WABA, token: 'graph-token', baseUrl: `${mock.url}/v23.0` } }, { mock });
    const sends = () => mock.sends().filter((r) => r.method === 'POST');
    const texts = () => sends().filter((r) => r.body.type === 'text').map((r) => (r.body.text as { body: string }).body);

    await postWebhook(t.url, envelope({ messages: [textMessage(USER, 'short')] }));
    await waitUntil(() => texts().length === 1, 'the bot.failed answer');
    expect(texts()[0]).toBe(
      'failed 132000: template order_shipped (en_US), body: expected 3 parameter(s) {{1}}, {{2}}, {{3}}, got 2',
    );
    expect(sends().filter((r) => r.body.type === 'template')).toEqual([]); // no HTTP call to the send API
    expect(mock.requests.filter(isTemplateList)).toHaveLength(2); // both pages read

    await postWebhook(t.url, envelope({ messages: [textMessage(USER, 'good')] }));
    await waitUntil(() => sends().some((r) => r.body.type === 'template'), 'the fitting template');
    expect(mock.requests.filter(isTemplateList)).toHaveLength(2); // cached

    // Meta pauses the template: the status webhook makes the next send refetch and refuse it.
    listed = GRAPH_TEMPLATES.map((tpl) => (tpl.name === 'order_shipped' && tpl.language === 'en_US' ? { ...tpl, status: 'PAUSED' } : tpl));
    const update = {
      object: 'whatsapp_business_account',
      entry: [{ id: WABA, time: 1, changes: [{ field: 'message_template_status_update', value: { event: 'PAUSED', message_template_id: 1001, message_template_name: 'order_shipped', message_template_language: 'en_US', reason: 'LOW_QUALITY' } }] }],
    };
    expect((await postWebhook(t.url, update)).status).toBe(200);
    await postWebhook(t.url, envelope({ messages: [textMessage(USER, 'good')] }));
    await waitUntil(() => texts().length === 2, 'the second bot.failed answer');
    expect(texts()[1]).toBe('failed 132015: template order_shipped (en_US), template: expected status APPROVED, got status PAUSED');
    expect(mock.requests.filter(isTemplateList)).toHaveLength(4);
    expect(sends().filter((r) => r.body.type === 'template')).toHaveLength(1);
  });

  it('sends unchecked when the template list cannot be read (the check must not become an outage)', async () => {
    const mock = await startMockProvider({
      answer: (request) => (isTemplateList(request) ? { status: 500, body: { error: { message: 'down', code: 1, is_transient: true } } } : undefined),
    });
    t = await startBotUnderTest({ flows: [flow], templates: { wabaId: WABA, token: 'graph-token', baseUrl: `${mock.url}/v23.0` } }, { mock });
    await postWebhook(t.url, envelope({ messages: [textMessage(USER, 'short')] }));
    await waitUntil(() => mock.sends().some((r) => r.method === 'POST' && r.body.type === 'template'), 'the unchecked send');
    expect(mock.requests.filter(isTemplateList).length).toBeGreaterThan(0);
  });
});
