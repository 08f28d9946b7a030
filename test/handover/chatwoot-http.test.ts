import { afterEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import support from '../../flows/support.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startChatwootMock, type ChatwootMock } from '../helpers/chatwoot-mock.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, buttonReply, envelope, message, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const WEBHOOK_TOKEN = 'chatwoot-webhook-token-0123456789';
const flows = [toFlow(support, 'support.ts')];
let t: BotUnderTest | undefined;
let chatwoot: ChatwootMock | undefined;
afterEach(async () => {
  await t?.cleanup();
  await chatwoot?.close();
  t = chatwoot = undefined;
});

/** The bot with the Chatwoot connector, and a Cloud API mock that serves one media file. */
async function start(): Promise<{ t: BotUnderTest; chatwoot: ChatwootMock }> {
  chatwoot = await startChatwootMock();
  const mock = await startMockProvider({
    answer: (request, base) => {
      if (request.method === 'GET' && request.path.startsWith('/v23.0/media-label')) return { status: 200, body: { id: 'media-label', url: `${base}/files/label.jpg`, mime_type: 'image/jpeg' } };
      if (request.method === 'GET' && request.path === '/files/label.jpg') return { status: 200, body: Buffer.from('JPEGDATA') };
      return undefined;
    },
  });
  t = await startBotUnderTest(
    {
      flows,
      chatwoot: { url: chatwoot.url, apiToken: chatwoot.apiToken, accountId: chatwoot.accountId, inboxId: chatwoot.inboxId, webhookToken: WEBHOOK_TOKEN },
      handover: { retry: { baseDelayMs: 20, maxDelayMs: 80 } },
    },
    { mock },
  );
  chatwoot.setWebhook(`${t.url}/integrations/chatwoot?token=${WEBHOOK_TOKEN}`);
  return { t, chatwoot };
}

const userSays = async (...messages: Array<Record<string, unknown>>) => {
  expect((await postWebhook(t!.url, envelope({ messages, names: { [String(messages[0]?.from)]: 'Cleo' } }))).status).toBe(200);
  await t!.bot.runtime.idle();
};
const whatsappTexts = () =>
  t!.mock
    .sends()
    .filter((s) => s.method === 'POST')
    .map((s) => (s.body.text as { body?: string } | undefined)?.body ?? (s.body.interactive as { body?: { text?: string } } | undefined)?.body?.text);

describe('Chatwoot connector against a mock of its documented API', () => {
  it('round trip: contact and conversation created, user messages (media attached) in, agent answers out, resolve in Chatwoot resolves', async () => {
    const { chatwoot } = await start();
    const wa = '4915550501';
    await userSays(textMessage(wa, 'hi'));
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    expect(chatwoot.contacts).toEqual([expect.objectContaining({ name: 'Cleo', phone_number: `+${wa}`, identifier: `whatsapp:${wa}` })]);
    const [conversation] = chatwoot.conversations;
    expect(conversation).toMatchObject({ contact_id: chatwoot.contacts[0]!.id, status: 'open', additional_attributes: { chartbot_business_number_id: BUSINESS.phoneNumberId, chartbot_wa_id: wa } });
    expect(conversation!.messages).toEqual([expect.objectContaining({ private: true, message_type: 'outgoing', content: expect.stringContaining('Hand-over from the bot (flow support, state handover.waiting') })]);

    await userSays(textMessage(wa, 'my parcel never arrived'));
    await userSays(message(wa, 'image', { image: { id: 'media-label', mime_type: 'image/jpeg', caption: 'the label' } }));
    await userSays(message(wa, 'location', { location: { latitude: 52.52, longitude: 13.405, name: 'Depot' } }));
    expect(conversation!.messages.slice(1)).toEqual([
      expect.objectContaining({ message_type: 'incoming', private: false, content: 'my parcel never arrived', attachments: [] }),
      expect.objectContaining({ message_type: 'incoming', content: 'the label', attachments: [{ filename: 'image-media-label.jpg', contentType: 'image/jpeg', size: 8 }] }),
      expect.objectContaining({ message_type: 'incoming', content: '[location] Depot https://maps.google.com/?q=52.52,13.405' }),
    ]);

    const answered = await chatwoot.agentWrites(conversation!.id, 'Hi Cleo, Sam here. It is at the depot.', { attachments: [{ file_type: 'image', data_url: 'https://files.example/label-scan.png' }] });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ results: [expect.objectContaining({ messageId: expect.any(String) }), expect.objectContaining({ type: 'image', messageId: expect.any(String) })] });
    expect(t!.mock.sends().filter((s) => s.method === 'POST').slice(-2).map((s) => s.body)).toEqual([
      expect.objectContaining({ to: wa, type: 'text', text: expect.objectContaining({ body: 'Hi Cleo, Sam here. It is at the depot.' }) }),
      expect.objectContaining({ to: wa, type: 'image', image: { link: 'https://files.example/label-scan.png' } }),
    ]);
    const sends = whatsappTexts().length;
    expect(await (await chatwoot.agentWrites(conversation!.id, 'internal: check the depot', { private: true })).json()).toEqual({ ignored: 'private note' });
    expect(whatsappTexts()).toHaveLength(sends);

    const resolved = await chatwoot.resolve(conversation!.id, 'Sam');
    expect(await resolved.json()).toEqual({ ended: true, state: 'rating' });
    expect(whatsappTexts().at(-1)).toBe('Thanks for talking to us, Cleo! How did we do?');
    await t!.bot.runtime.idle(); // notifications delivered and confirmed
    expect(conversation!.messages.at(-1)?.content).toBe('🤖 The bot has the conversation again (agent.resolved by Sam).');
    expect(conversation!.status).toBe('resolved');
    const session = (await t!.bot.runtime.inspect(BUSINESS.phoneNumberId, wa))!.record;
    expect(session.agentLog?.map((a) => [a.kind, a.agent])).toEqual([
      ['message', 'Sam'],
      ['resolve', 'Sam'],
    ]);
    expect(session.sinkState?.chatwoot).toEqual({ contactId: chatwoot.contacts[0]!.id, sourceId: expect.any(String) });
    expect(await (await chatwoot.agentWrites(conversation!.id, 'one more thing')).json()).toEqual({ ignored: 'no hand-over in progress for this conversation' });
  });

  it('a second hand-over finds the same Chatwoot contact and opens a new conversation; a hand-over the user ends is resolved in Chatwoot', async () => {
    const { chatwoot } = await start();
    const wa = '4915550502';
    await userSays(textMessage(wa, 'hi'), buttonReply(wa, 'human', 'Talk to a person'));
    await userSays(textMessage(wa, 'bot')); // the user leaves the hand-over
    await waitUntil(() => chatwoot.conversations[0]?.status === 'resolved', 'the first conversation resolved by chartbot');
    expect(chatwoot.conversations[0]!.messages.at(-1)?.content).toContain('The bot has the conversation again (user.text)');
    await userSays(buttonReply(wa, 'human', 'Talk to a person'));
    expect(chatwoot.contacts).toHaveLength(1);
    expect(chatwoot.conversations).toHaveLength(2);
    expect(chatwoot.conversations[1]).toMatchObject({ contact_id: chatwoot.contacts[0]!.id, status: 'open' });
    expect(chatwoot.calls.filter((c) => c.endsWith('/contacts'))).toHaveLength(1); // created once
  });

  it('Chatwoot down: user messages wait and arrive in order once it is back', async () => {
    const { chatwoot } = await start();
    const wa = '4915550503';
    await userSays(textMessage(wa, 'hi'), buttonReply(wa, 'human', 'Talk to a person'));
    chatwoot.failNext(6, 502);
    for (const text of ['one', 'two', 'three']) {
      await postWebhook(t!.url, envelope({ messages: [textMessage(wa, text)] }));
    }
    await waitUntil(() => chatwoot.conversations[0]?.messages.filter((m) => m.message_type === 'incoming').length === 3, 'the three messages in Chatwoot');
    expect(chatwoot.conversations[0]!.messages.filter((m) => m.message_type === 'incoming').map((m) => m.content)).toEqual(['one', 'two', 'three']);
  });

  it('an agent message WhatsApp would refuse (24-hour window closed) comes back to Chatwoot as a private note', async () => {
    const { chatwoot } = await start();
    const wa = '4915550505';
    const dayAgo = String(Math.floor((Date.now() - 25 * 3600_000) / 1000));
    await userSays({ ...textMessage(wa, 'hi'), timestamp: dayAgo }, { ...buttonReply(wa, 'human', 'Talk to a person'), timestamp: dayAgo });
    const conversation = chatwoot.conversations[0]!;
    const sends = whatsappTexts().length;
    const res = await chatwoot.agentWrites(conversation.id, 'Sorry for the wait!');
    expect(await res.json()).toEqual({ results: [{ type: 'text', error: { code: 131047, title: expect.stringContaining('24-hour customer service window is closed') } }] });
    expect(whatsappTexts()).toHaveLength(sends);
    expect(conversation.messages.at(-1)).toMatchObject({ private: true, content: expect.stringMatching(/^⚠️ Not sent to WhatsApp: the 24-hour customer service window is closed .*send a template/) });
  });

  it("the webhook needs the URL token and a Chatwoot payload; other events, inboxes and incoming messages are ignored", async () => {
    const { chatwoot } = await start();
    const wa = '4915550504';
    await userSays(textMessage(wa, 'hi'), buttonReply(wa, 'human', 'Talk to a person'));
    const id = chatwoot.conversations[0]!.id;
    const base = `${t!.url}/integrations/chatwoot`;
    const payload = JSON.stringify({ event: 'message_created', id: 1, message_type: 'outgoing', content: 'hi', conversation: { id } });
    expect((await chatwoot.post(payload, base)).status).toBe(401);
    expect((await chatwoot.post(payload, `${base}?token=wrong`)).status).toBe(401);
    const bad = await chatwoot.post('{nope', `${base}?token=${WEBHOOK_TOKEN}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body must be a Chatwoot webhook: a JSON object with "event"' });
    expect((await chatwoot.post(JSON.stringify({ event: 'message_created', message_type: 'outgoing', content: 'x' }))).status).toBe(400);
    expect(await (await chatwoot.post(JSON.stringify({ event: 'conversation_typing_on', id }))).json()).toEqual({ ignored: 'conversation_typing_on' });
    expect(await (await chatwoot.post(JSON.stringify({ event: 'message_created', id: 2, message_type: 'incoming', content: 'x', conversation: { id } }))).json()).toEqual({ ignored: 'not an agent message' });
    expect(await (await chatwoot.post(JSON.stringify({ event: 'message_created', id: 3, message_type: 'outgoing', content: 'x', conversation: { id, inbox_id: 999 } }))).json()).toEqual({ ignored: 'another inbox' });
    const sends = whatsappTexts().length;
    // Chatwoot may send the same message twice: it reaches WhatsApp once.
    const again = JSON.stringify({ event: 'message_created', id: 4, message_type: 'outgoing', content: 'only once', sender: { name: 'Kim' }, conversation: { id } });
    expect((await chatwoot.post(again)).status).toBe(200);
    expect(await (await chatwoot.post(again)).json()).toEqual({ ignored: 'already delivered' });
    expect(whatsappTexts().slice(sends)).toEqual(['only once']);
  });
});
