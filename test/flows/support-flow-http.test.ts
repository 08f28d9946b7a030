import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/conversation/load-flows.ts';
import { SUPPORT_FLOW_FILE } from '../helpers/example-flow.ts';
import { inbound } from '../fixtures/inbound-messages.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, buttonReply, envelope, flowReply, listReply, message, postWebhook, textMessage } from '../helpers/webhooks.ts';

const USER = '4917612345678';
let t: BotUnderTest;
beforeEach(async () => {
  t = await startBotUnderTest({ flows: [await loadFlowFile(SUPPORT_FLOW_FILE)] });
});
afterEach(async () => {
  await t.cleanup();
});

async function say(...messages: Array<Record<string, unknown>>) {
  const before = t.mock.sends().length;
  const res = await postWebhook(t.url, envelope({ messages, names: { [USER]: 'Ana' } }));
  expect(res.status).toBe(200);
  await t.bot.runtime.idle();
  return t.mock.sends().slice(before).map((r) => r.body);
}

async function stateValue() {
  const view = await t.bot.runtime.inspect(BUSINESS.phoneNumberId, USER);
  return (view?.record.snapshot as { value: unknown } | undefined)?.value;
}

describe('flows/support.ts end to end over HTTP', () => {
  it('greets with reply buttons, answers an FAQ pick from the list, then shows the menu again', async () => {
    const [greeting] = await say(textMessage(USER, 'hi'));
    expect(greeting).toMatchObject({
      to: USER,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Hi Ana! How can we help you today?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'faq', title: 'FAQ' } },
            { type: 'reply', reply: { id: 'ticket', title: 'Open a ticket' } },
            { type: 'reply', reply: { id: 'human', title: 'Talk to a person' } },
          ],
        },
      },
    });
    const [faqList] = await say(buttonReply(USER, 'faq', 'FAQ'));
    expect(faqList).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { button: 'See questions' } } });
    const answer = await say(listReply(USER, 'shipping', 'Shipping times'));
    expect(answer.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect(answer[0]).toMatchObject({ text: { body: 'Orders ship within 2 working days; delivery takes 3-5 days.' } });
    expect(await stateValue()).toBe('menu');
  });

  it('opens a ticket through a WhatsApp Flow and confirms the submission', async () => {
    await say(textMessage(USER, 'hi'));
    const [invitation] = await say(buttonReply(USER, 'ticket', 'Open a ticket'));
    expect(invitation).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'flow',
        action: {
          name: 'flow',
          parameters: { flow_message_version: '3', flow_token: 'support-ticket', flow_cta: 'Open the form', flow_action: 'navigate' },
        },
      },
    });
    const confirmation = await say(flowReply(USER, { flow_token: 'support-ticket', subject: 'Broken zipper' }));
    expect(confirmation[0]).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Ticket T-1 is open: "Broken zipper"') } });
    expect(await stateValue()).toBe('menu');
  });

  it('acknowledges an order with its total wherever the conversation is', async () => {
    await say(textMessage(USER, 'hi'));
    const [ack] = await say({ ...inbound.order, from: USER, id: 'wamid.order-e2e' });
    expect(ack).toMatchObject({ type: 'text', text: { body: expect.stringContaining('3 items, total 39.98 EUR') } });
    expect(await stateValue()).toBe('menu');
  });

  it('reassures once in hand-over, then stays silent until the user writes "bot"', async () => {
    await say(textMessage(USER, 'hi'));
    const [handover] = await say(buttonReply(USER, 'human', 'Talk to a person'));
    expect(handover).toMatchObject({ text: { body: expect.stringContaining('A person from our team') } });
    const [reassurance, ...more] = await say(textMessage(USER, 'my parcel is late'), message(USER, 'image', { image: { id: '1' } }));
    expect(reassurance).toMatchObject({ text: { body: 'Thanks! An agent will be with you shortly.' } });
    expect(more).toEqual([]);
    expect(t.mock.reads()).toHaveLength(4); // every message is still marked read
    const [menu] = await say(textMessage(USER, 'bot'));
    expect(menu).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
  });

  it('the idle reminder is a persisted timer on the contact', async () => {
    await say(textMessage(USER, 'hi'));
    const view = await t.bot.runtime.inspect(BUSINESS.phoneNumberId, USER);
    expect(view?.record.timers).toEqual([
      expect.objectContaining({ id: 'xstate.after.idle.support.menu', fireAt: expect.any(Number) }),
    ]);
    const fireAt = view!.record.timers[0]!.fireAt;
    expect(fireAt - Date.now()).toBeGreaterThan(9 * 60 * 1000);
    expect(fireAt - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
  });
});
