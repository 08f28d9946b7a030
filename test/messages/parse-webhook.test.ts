import { describe, expect, it } from 'vitest';
import { NotAWebhookError, parseWebhook } from '../../src/messages/parse-webhook.ts';
import type { UserEvent } from '../../src/messages/inbound-events.ts';
import { FROM, failedStatus, inbound } from '../fixtures/inbound-messages.ts';
import { envelope } from '../helpers/webhooks.ts';

function parseOne(message: Record<string, unknown>): UserEvent {
  const parsed = parseWebhook(envelope({ messages: [message], names: { [FROM]: 'Kerry Fisher' } }));
  expect(parsed.ignored).toEqual([]);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0]!;
}

describe('parseWebhook: every inbound kind', () => {
  it('text, with the common fields every event carries', () => {
    const event = parseOne(inbound.text);
    expect(event).toMatchObject({
      type: 'user.text',
      text: 'Hello there',
      messageId: 'wamid.text1',
      contact: { waId: FROM, name: 'Kerry Fisher' },
      businessNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      timestamp: 1_700_000_001_000,
    });
    expect(event.raw).toEqual(inbound.text);
  });

  it('reaction, and a removed reaction (empty emoji)', () => {
    expect(parseOne(inbound.reaction)).toMatchObject({ type: 'user.reaction', emoji: '👍', reactedMessageId: 'wamid.out.1', removed: false });
    expect(parseOne(inbound.reactionRemoved)).toMatchObject({ type: 'user.reaction', emoji: '', removed: true });
  });

  it('media of every kind', () => {
    expect(parseOne(inbound.image)).toMatchObject({
      type: 'user.media',
      kind: 'image',
      mediaId: '1234567890',
      mimeType: 'image/jpeg',
      sha256: 'IMAGE_HASH',
      caption: 'My receipt',
    });
    expect(parseOne(inbound.sticker)).toMatchObject({ type: 'user.media', kind: 'sticker', mediaId: '555', animated: true });
    expect(parseOne(inbound.document)).toMatchObject({ kind: 'document', filename: 'invoice.pdf', caption: 'invoice' });
    expect(parseOne(inbound.audio)).toMatchObject({ kind: 'audio', voice: true, mimeType: 'audio/ogg; codecs=opus' });
    expect(parseOne(inbound.video)).toMatchObject({ kind: 'video', mediaId: '999' });
  });

  it('unknown types become user.unsupported with the errors array', () => {
    expect(parseOne(inbound.unknown)).toMatchObject({
      type: 'user.unsupported',
      messageType: 'unknown',
      errors: [{ code: 131051, title: 'Unsupported message type', details: 'Message type is not currently supported' }],
    });
    expect(parseOne({ ...inbound.text, id: 'wamid.future', type: 'hologram', hologram: {} })).toMatchObject({
      type: 'user.unsupported',
      messageType: 'hologram',
      errors: [],
    });
  });

  it('location and contacts', () => {
    expect(parseOne(inbound.location)).toMatchObject({
      type: 'user.location',
      latitude: 52.52,
      longitude: 13.405,
      name: 'Brandenburg Gate',
      address: 'Pariser Platz, Berlin',
    });
    const contacts = parseOne(inbound.contacts);
    expect(contacts.type).toBe('user.contacts');
    if (contacts.type === 'user.contacts') expect(contacts.contacts[0]?.name?.formatted_name).toBe('Jane Doe');
  });

  it('template quick-reply and reply-button taps are both user.button', () => {
    expect(parseOne(inbound.quickReply)).toMatchObject({
      type: 'user.button',
      id: 'No-Button-Payload',
      title: 'No',
      context: { messageId: 'wamid.template1', from: '15550783881' },
    });
    expect(parseOne(inbound.buttonReply)).toMatchObject({ type: 'user.button', id: 'faq', title: 'FAQ' });
  });

  it('list reply', () => {
    expect(parseOne(inbound.listReply)).toMatchObject({
      type: 'user.list',
      id: 'shipping',
      title: 'Shipping times',
      description: 'How long?',
    });
  });

  it('click-to-WhatsApp referral rides on the event', () => {
    expect(parseOne(inbound.adReferral)).toMatchObject({
      type: 'user.text',
      referral: { sourceId: 'ADID', sourceType: 'ad', headline: 'Summer sale', ctwaClid: 'CLID123', imageUrl: 'https://example.com/ad.jpg' },
    });
  });

  it('WhatsApp Flow completion: response_json string is parsed, object form accepted too', () => {
    expect(parseOne(inbound.flowCompletion)).toMatchObject({
      type: 'user.flow',
      flowToken: 'support-ticket',
      name: 'flow',
      response: { flow_token: 'support-ticket', subject: 'Broken zipper', details: 'Arrived broken' },
    });
    const asObject = {
      ...inbound.flowCompletion,
      id: 'wamid.flow2',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', response_json: { flow_token: 'T', a: 1 } } },
    };
    expect(parseOne(asObject)).toMatchObject({ type: 'user.flow', flowToken: 'T', response: { a: 1 } });
  });

  it('welcome, product inquiry (referred product), order, changed number', () => {
    expect(parseOne(inbound.welcome)).toMatchObject({ type: 'user.welcome', messageId: 'wamid.welcome1' });
    expect(parseOne(inbound.productInquiry)).toMatchObject({
      type: 'user.text',
      context: { messageId: 'wamid.catalog1', referredProduct: { catalogId: 'CAT1', productRetailerId: 'SKU-9' } },
    });
    expect(parseOne(inbound.order)).toMatchObject({
      type: 'user.order',
      catalogId: 'the-catalog_id',
      text: 'Please gift wrap',
      items: [
        { productRetailerId: 'SKU-1', quantity: 2, itemPrice: 9.99, currency: 'EUR' },
        { productRetailerId: 'SKU-2', quantity: 1, itemPrice: 20, currency: 'EUR' },
      ],
      timestamp: 1_603_069_091_000,
    });
    expect(parseOne(inbound.changedNumber)).toMatchObject({
      type: 'user.system',
      systemType: 'user_changed_number',
      newWaId: '16315559999',
    });
  });
});

describe('parseWebhook: batches, identity, statuses, odd input', () => {
  it('keeps every entry, change, message and status of a batch', () => {
    const one = envelope({ messages: [inbound.text, inbound.image], statuses: [failedStatus] });
    const two = envelope({ messages: [inbound.order] }, { phoneNumberId: 'PN2', display: '1555' });
    const body = { object: 'whatsapp_business_account', entry: [...(one.entry as unknown[]), ...(two.entry as unknown[])] };
    (body.entry[0] as { changes: unknown[] }).changes.push({
      field: 'messages',
      value: { metadata: { phone_number_id: 'PN3' }, messages: [{ ...inbound.welcome, from: '999' }] },
    });
    const parsed = parseWebhook(body);
    expect(parsed.messages.map((m) => [m.type, m.businessNumberId, m.contact.waId])).toEqual([
      ['user.text', '106540352242922', FROM],
      ['user.media', '106540352242922', FROM],
      ['user.welcome', 'PN3', '999'],
      ['user.order', 'PN2', FROM],
    ]);
    expect(parsed.statuses).toHaveLength(1);
  });

  it('an empty entry array is a valid, empty webhook', () => {
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual({ messages: [], statuses: [], ignored: [] });
  });

  it('username users: empty from, identified by from_user_id', () => {
    const body = envelope({ messages: [] });
    const value = (body.entry as Array<{ changes: Array<{ value: Record<string, unknown> }> }>)[0]!.changes[0]!.value;
    value.contacts = [{ profile: { name: 'Nameless' }, wa_id: '', user_id: 'US.13491208655302741918' }];
    value.messages = [{ ...inbound.text, from: '', from_user_id: 'US.13491208655302741918' }];
    const [event] = parseWebhook(body).messages;
    expect(event?.contact).toEqual({ waId: 'US.13491208655302741918', userId: 'US.13491208655302741918', name: 'Nameless' });
  });

  it('statuses: normalised, with errors and the BSUID recipient fallback', () => {
    const parsed = parseWebhook(
      envelope({
        statuses: [
          failedStatus,
          { id: 'wamid.o2', status: 'read', timestamp: 1700000000, recipient_id: '', recipient_user_id: 'US.1' },
          { id: 'wamid.o3', status: 'teleported', timestamp: '1', recipient_id: '1' },
        ],
      }),
    );
    expect(parsed.statuses[0]).toMatchObject({
      messageId: failedStatus.id,
      status: 'failed',
      timestamp: 1_689_380_458_000,
      recipientId: FROM,
      errors: [{ code: 131014 }],
    });
    expect(parsed.statuses[1]).toMatchObject({ status: 'read', recipientId: 'US.1', timestamp: 1_700_000_000_000 });
    expect(parsed.ignored).toEqual([{ reason: 'unknown status "teleported"', part: expect.anything() }]);
  });

  it('unparseable timestamps become 0 instead of NaN', () => {
    expect(parseOne({ ...inbound.text, id: 'wamid.ts', timestamp: 'TIMESTAMP' }).timestamp).toBe(0);
  });

  it('reports what it could not use instead of dropping it silently', () => {
    const parsed = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        { changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] },
        { changes: [{ field: 'messages', value: { metadata: { phone_number_id: 'PN' }, messages: [{ type: 'text' }] } }] },
      ],
    });
    expect(parsed.messages).toEqual([]);
    expect(parsed.ignored.map((i) => i.reason)).toEqual([
      'change field "account_update" is not handled',
      'message without an id (cannot be de-duplicated or marked read)',
    ]);
  });

  it('rejects JSON that is not a webhook envelope', () => {
    expect(() => parseWebhook([1, 2])).toThrow(NotAWebhookError);
    expect(() => parseWebhook({ hello: 'world' })).toThrow(/expected a JSON object like/);
    expect(() => parseWebhook(null)).toThrow(NotAWebhookError);
  });
});
