import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import support from '../../flows/support.ts';
import { startAgentReceiver, type AgentReceiver } from '../helpers/agent-receiver.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, buttonReply, envelope, message, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const SECRET = 'agent-webhook-secret';
const flows = [toFlow(support, 'support.ts')];
let t: BotUnderTest | undefined;
let receiver: AgentReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  await t?.cleanup();
  t = receiver = undefined;
});

async function userSays(...messages: Array<Record<string, unknown>>): Promise<void> {
  expect((await postWebhook(t!.url, envelope({ messages, names: { [String(messages[0]?.from)]: 'Cleo' } }))).status).toBe(200);
}

const start = (r: AgentReceiver) =>
  startBotUnderTest({ flows, apiToken: 'token', agentWebhook: { url: r.url, secret: SECRET }, handover: { retry: { baseDelayMs: 20, maxDelayMs: 80 } } });

describe('agent webhook', () => {
  it('a receiver that fails then recovers gets every notification, in order, signed, and the conversation never waited for it', async () => {
    receiver = await startAgentReceiver(503);
    t = await start(receiver);
    const wa = '4915550301';
    await userSays(textMessage(wa, 'hi'));
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    await userSays(textMessage(wa, 'one'));
    await userSays(message(wa, 'image', { image: { id: 'media-77', mime_type: 'image/jpeg', caption: 'the label' } }));
    await userSays(textMessage(wa, 'three'));
    await waitUntil(() => t!.mock.sends().length >= 3, 'the bot answered while the receiver failed');
    const resolved = await fetch(`${t.url}/api/handovers/${BUSINESS.phoneNumberId}/${wa}/resolve`, {
      method: 'POST',
      headers: { authorization: 'Bearer token' },
      body: JSON.stringify({ agent: 'Sam' }),
    });
    expect(await resolved.json()).toEqual({ ended: true, state: 'rating' });
    await waitUntil(() => receiver!.received.length >= 4, 'several failed attempts');
    expect(receiver.accepted()).toEqual([]);
    const pending = (await (await fetch(`${t.url}/api/sessions/${BUSINESS.phoneNumberId}/${wa}`, { headers: { authorization: 'Bearer token' } })).json()) as { pendingNotifications: number };
    expect(pending.pendingNotifications).toBe(5); // kept on the contact while the receiver fails

    receiver.setMode(200);
    await receiver.waitForAccepted(5);
    await t.bot.runtime.idle();
    const accepted = receiver.accepted();
    expect(accepted.map((n) => n.type)).toEqual(['handover.started', 'handover.message', 'handover.message', 'handover.message', 'handover.ended']);
    expect(new Set(accepted.map((n) => n.id)).size).toBe(5); // no duplicates: nothing crashed
    expect(accepted.map((n) => (n.event as { type?: string; text?: string } | undefined)?.text ?? (n.event as { mediaId?: string } | undefined)?.mediaId)).toEqual([undefined, 'one', 'media-77', 'three', undefined]);
    expect(accepted[0]).toMatchObject({ businessNumberId: BUSINESS.phoneNumberId, waId: wa, name: 'Cleo', flow: 'support', state: 'handover.waiting', trigger: 'user.button', at: expect.any(Number) });
    expect(accepted[2]).toMatchObject({ event: { type: 'user.media', kind: 'image', mediaId: 'media-77', caption: 'the label' } });
    expect(accepted[4]).toMatchObject({ reason: 'agent.resolved', agent: 'Sam', state: 'rating' });
    for (const r of receiver.received) {
      expect(r.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(r.raw).digest('hex')}`);
    }
    // Every failed attempt was at a notification not yet accepted, oldest first: order kept.
    const firstTry = receiver.received.map((r) => r.body.id);
    expect(firstTry.filter((id, i) => firstTry.indexOf(id) === i)).toEqual(accepted.map((n) => n.id));
    const after = (await (await fetch(`${t.url}/api/sessions/${BUSINESS.phoneNumberId}/${wa}`, { headers: { authorization: 'Bearer token' } })).json()) as { pendingNotifications: number };
    expect(after.pendingNotifications).toBe(0);
  });

  it('a receiver that does not answer holds up nothing: the user is answered meanwhile', async () => {
    receiver = await startAgentReceiver('hold');
    t = await start(receiver);
    const wa = '4915550302';
    await userSays(textMessage(wa, 'hi'));
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    await waitUntil(() => receiver!.received.length === 1, 'handover.started is in flight');
    await userSays(textMessage(wa, 'hello?'));
    await waitUntil(() => t!.mock.sends().some((r) => (r.body.text as { body?: string } | undefined)?.body === 'Thanks! An agent will be with you shortly.'), 'the reassurance');
    expect(receiver.received).toHaveLength(1); // still the first notification, unanswered
    expect(receiver.accepted()).toEqual([]);
    receiver.setMode(200);
    receiver.release();
    await receiver.waitForAccepted(2);
    expect(receiver.accepted().map((n) => n.type)).toEqual(['handover.started', 'handover.message']);
  });
});

describe('agent webhook across configurations', () => {
  it('notifications left for an agent tool that is no longer configured are dropped at the next start, not kept for ever', async () => {
    receiver = await startAgentReceiver(503);
    t = await start(receiver);
    const wa = '4915550303';
    await userSays(textMessage(wa, 'hi'));
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    await waitUntil(() => receiver!.received.length >= 1, 'a failed attempt');
    await t.stop(); // the notification stays on the contact
    const again = await startBotUnderTest({ flows, apiToken: 'token' }, { mock: t.mock, dataDir: t.dataDir });
    try {
      await again.bot.runtime.idle();
      const record = (await again.bot.runtime.inspect(BUSINESS.phoneNumberId, wa))?.record;
      expect(record?.agentOutbox).toBeUndefined();
      expect(record?.handover).toMatchObject({ state: 'handover.waiting' }); // the hand-over itself goes on
    } finally {
      await again.stop();
    }
  });
});
