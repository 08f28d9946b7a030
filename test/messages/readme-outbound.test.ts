import { afterEach, describe, expect, it } from 'vitest';
import { examples } from '../readme/outbound-messages.ts';
import orderUpdates from '../readme/order-updates-flow.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

describe('docs/messages.md: building messages', () => {
  it('builds one message of every kind, in the Cloud API shape', () => {
    expect(Object.values(examples).map((m) => m.type)).toEqual([
      'text', 'text', 'image', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts',
      'reaction', 'reaction', 'interactive', 'interactive', 'interactive', 'interactive', 'interactive', 'template',
    ]);
    expect(examples.text).toEqual({ type: 'text', text: { body: 'Track it at https://example.com/t/1042', preview_url: true } });
    expect(examples.quoted).toMatchObject({ context: { message_id: 'wamid.HBgL…' } });
    expect(examples.uploaded).toEqual({ type: 'image', image: { id: '1479537139650973' } });
    expect(examples.unreact).toEqual({ type: 'reaction', reaction: { message_id: 'wamid.HBgL…', emoji: '' } });
    expect(examples.list).toMatchObject({ interactive: { type: 'list', action: { button: 'Topics' } } });
    expect(examples.flow).toMatchObject({
      interactive: { type: 'flow', action: { parameters: { flow_id: '1234567890', flow_token: 'ticket-42', flow_action: 'navigate', flow_action_payload: { screen: 'TICKET' } } } },
    });
    expect(examples.template).toMatchObject({
      template: { components: [{ type: 'header' }, { type: 'body', parameters: [{ text: 'Ada' }, { currency: { amount_1000: 12500 } }, { date_time: {} }] }, { type: 'button', sub_type: 'url', index: '0' }] },
    });
  });
});

describe('docs/messages.md: order updates flow with the proactive API', () => {
  let t: BotUnderTest | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('sends the template before the user ever wrote, free-form once the window is open', async () => {
    t = await startBotUnderTest({ flows: [toFlow(orderUpdates, 'order-updates-flow.ts')], apiToken: 'secret', markRead: false });
    const shipped = () =>
      fetch(`${t!.url}/api/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
        body: JSON.stringify({ businessNumberId: BUSINESS.phoneNumberId, to: '+4915112345678', event: { type: 'api.orderShipped', orderId: '1042' } }),
      });
    expect((await shipped()).status).toBe(200);
    await postWebhook(t.url, envelope({ messages: [textMessage('4915112345678', 'hi')] }));
    await t.bot.runtime.idle();
    expect((await shipped()).status).toBe(200);
    const sent = t.mock.sends().map((s) => s.body);
    expect(sent[0]).toMatchObject({ to: '4915112345678', type: 'template', template: { name: 'order_shipped', components: [{ type: 'body', parameters: [{ text: '1042' }] }] } });
    expect(sent[1]).toMatchObject({ text: { body: 'Thanks! We will tell you when your order ships.' } });
    expect(sent[2]).toMatchObject({ text: { body: 'Order 1042 is on its way!' } });
  });
});
