import { afterEach, describe, expect, it } from 'vitest';
import troublemaker from '../fixtures/flows/troublemaker.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { maskPhone } from '../../src/logging/mask-phones.ts';

let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('logs', () => {
  it('redact tokens, secrets and authorization headers wherever they are nested', () => {
    const { logger, text } = capturedLogger();
    logger.info({ token: 'tok-1', apiToken: 'tok-2', config: { appSecret: 'sec-3', token: 'tok-4' }, headers: { authorization: 'Bearer tok-5', 'd360-api-key': 'tok-6' } }, 'x');
    logger.info({ request: { headers: { authorization: 'Bearer tok-7', 'D360-API-KEY': 'tok-9' } }, secret: 'sec-8' }, 'y');
    for (const secret of ['tok-1', 'tok-2', 'sec-3', 'tok-4', 'tok-5', 'tok-6', 'tok-7', 'sec-8', 'tok-9']) expect(text()).not.toContain(secret);
    expect(text()).toContain('[redacted]');
  });

  it('mask phone numbers when asked, keeping the business number id of a contact key', () => {
    expect(maskPhone('4915550001')).toBe('49******01');
    const { logger, lines } = capturedLogger({ maskPhones: true });
    logger.info({ contact: '106540352242922:4915550001', to: '+4915550001', waId: '4915550001', messageId: 'wamid.1' }, 'x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ contact: '106540352242922:49******01', to: '+49******01', waId: '49******01', messageId: 'wamid.1' });
    // Webhook parts are logged as they arrived: their nested ids are masked too.
    logger.warn({ reason: 'x', part: { from: '4915550001', contacts: [{ wa_id: '4915550001' }], statuses: [{ recipient_id: '4915550001' }] } }, 'ignored');
    expect(lines[1]).not.toContain('4915550001');
    expect(JSON.parse(lines[1]!)).toMatchObject({ part: { from: '49******01', contacts: [{ wa_id: '49******01' }], statuses: [{ recipient_id: '49******01' }] } });
    const plain = capturedLogger();
    plain.logger.info({ contact: '106540352242922:4915550001' }, 'x');
    expect(JSON.parse(plain.lines[0]!)).toMatchObject({ contact: '106540352242922:4915550001' });
  });

  it('a parked message is logged with its id and error; with masking the sender\'s number never appears, nor the provider token', async () => {
    const { logger, lines, text } = capturedLogger({ maskPhones: true });
    t = await startBotUnderTest({ flows: [toFlow(troublemaker, 'troublemaker.ts')], logger, appSecret: 'app-secret-xyz' });
    const boom = textMessage('4913000001', 'throw');
    await postWebhook(t.url, envelope({ messages: [boom, textMessage('4913000002', 'hi')] }), 'app-secret-xyz');
    await t.bot.runtime.idle();
    const parkedLine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'message parked: retry with POST /api/parked/{id}/retry');
    expect(parkedLine).toMatchObject({ level: 50, messageId: boom.id, contact: '106540352242922:49******01', error: 'Error: flow exploded on purpose', attempts: 1 });
    expect(text()).not.toContain('4913000001');
    expect(text()).not.toContain('test-token');
    expect(text()).not.toContain('app-secret-xyz');
  });
});
