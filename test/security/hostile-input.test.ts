import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import echo from '../fixtures/flows/echo.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { FakeClock } from '../../src/testing/fake-clock.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { BUSINESS, envelope, postWebhook, status, textMessage } from '../helpers/webhooks.ts';

const flows = [toFlow(echo, 'echo.ts')];
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const textsTo = (to: string) => t!.mock.sends().filter((s) => s.body.to === to).map((s) => (s.body.text as { body: string }).body);

/** Every file and folder under `dir`, with its permission bits. */
async function modes(dir: string): Promise<Array<{ path: string; dir: boolean; mode: number }>> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await stat(path);
    out.push({ path, dir: info.isDirectory(), mode: info.mode & 0o777 });
    if (info.isDirectory()) out.push(...(await modes(path)));
  }
  return out;
}

describe('hostile but signed input, through the running server', () => {
  it('message ids named like Object.prototype members are ordinary ids: each is answered once', async () => {
    t = await startBotUnderTest({ flows, markRead: false });
    const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    for (const id of ids) expect((await postWebhook(t.url, envelope({ messages: [textMessage('4919000001', id, id)] }))).status).toBe(200);
    await t.bot.runtime.idle();
    expect(textsTo('4919000001')).toEqual(ids.map((id, i) => `#${i + 1}: ${id}`));
    // Re-deliveries of the same ids are recognised.
    for (const id of ids) await postWebhook(t.url, envelope({ messages: [textMessage('4919000001', id, id)] }));
    // A status for an outbound id named like a prototype member is stored as a plain entry.
    await postWebhook(t.url, envelope({ statuses: [status('constructor', 'delivered', '4919000001')] }));
    await t.bot.runtime.idle();
    expect(textsTo('4919000001')).toHaveLength(ids.length);
    const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '4919000001'))!.record;
    expect(Object.keys(record.seen).sort()).toEqual([...ids].sort());
    expect(await t.bot.runtime.messageStatus(BUSINESS.phoneNumberId, '4919000001', 'constructor')).toMatchObject({ status: 'delivered' });
    expect(await t.bot.runtime.messageStatus(BUSINESS.phoneNumberId, '4919000001', 'toString')).toBeUndefined();
  });

  it('ids are bounded in bytes: a 64-character CJK sender and a 500,000-character message id are refused with a reason; the rest of the batch is answered', async () => {
    t = await startBotUnderTest({ flows, markRead: false });
    const cjk = '字'.repeat(64);
    const res = await postWebhook(t.url, envelope({ messages: [textMessage(cjk, 'hi'), textMessage('4919000002', 'hi'), textMessage('4919000003', 'hi', 'w'.repeat(500_000))] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: { messages: 1, statuses: 0 } });
    await t.bot.runtime.idle();
    expect(t.mock.sends().map((s) => s.body.to)).toEqual(['4919000002']);
  });

  it('a long id still accepted gets a bounded (hashed) file name: answered, checkpointed, and read back after a restart', async () => {
    const longNumber = '9'.repeat(64);
    const wa = '字'.repeat(21); // 63 bytes: accepted; the contact key is 128 bytes, 172 in base64url
    t = await startBotUnderTest({ flows, markRead: false });
    const body = { object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: longNumber, display_phone_number: '1' }, messages: [textMessage(wa, 'one')] } }] }] };
    expect((await postWebhook(t.url, body)).status).toBe(200);
    await t.bot.runtime.idle();
    await t.stop(); // checkpoints every record into its file
    const names = (await readdir(join(t.dataDir, 'contacts'), { recursive: true })).map(String);
    expect(names.every((name) => name.split('/').pop()!.length <= 140)).toBe(true);
    t = await startBotUnderTest({ flows, markRead: false }, { mock: t.mock, dataDir: t.dataDir });
    expect(await t.bot.runtime.store.keys()).toContain(`${longNumber}:${wa}`);
    (body.entry[0]!.changes[0]!.value.messages[0] as { text: { body: string }; id: string }).text.body = 'two';
    (body.entry[0]!.changes[0]!.value.messages[0] as { id: string }).id = 'wamid.second';
    await postWebhook(t.url, body);
    await t.bot.runtime.idle();
    expect(textsTo(wa)).toEqual(['#1: one', '#2: two']);
  });

  it('a record whose file cannot be written is quarantined and reported; the other contacts are written and the bot restarts', async () => {
    t = await startBotUnderTest({ flows, markRead: false });
    await postWebhook(t.url, envelope({ messages: [textMessage('4919000009', 'first')] }));
    await t.bot.runtime.idle();
    // Whatever the reason a contact's file cannot be written (here a folder squats its name), the
    // checkpoint that writes it must not hold up the others.
    const key = `${BUSINESS.phoneNumberId}:4919000009`;
    const shard = createHash('sha1').update(key).digest('hex').slice(0, 2);
    await mkdir(join(t.dataDir, 'contacts', shard, `${Buffer.from(key).toString('base64url')}.json`), { recursive: true });
    await postWebhook(t.url, envelope({ messages: [textMessage('4919000009', 'poison'), textMessage('4919000010', 'fine')] }));
    await t.bot.runtime.idle();
    expect(textsTo('4919000009')).toEqual(['#1: first', '#2: poison']);
    await t.stop(); // the checkpoint: one record cannot be written
    const [quarantined] = await readdir(join(t.dataDir, 'quarantine'));
    expect(JSON.parse(await readFile(join(t.dataDir, 'quarantine', quarantined!), 'utf8'))).toMatchObject({ key, reason: expect.stringContaining('EISDIR') });
    t = await startBotUnderTest({ flows, markRead: false }, { mock: t.mock, dataDir: t.dataDir });
    await postWebhook(t.url, envelope({ messages: [textMessage('4919000010', 'again'), textMessage('4919000009', 'anew')] }));
    await t.bot.runtime.idle();
    expect(textsTo('4919000010')).toEqual(['#1: fine', '#2: again']);
    // The quarantined contact starts over (its record is kept aside for someone to look at).
    expect(textsTo('4919000009')).toEqual(['#1: first', '#2: poison', '#1: anew']);
  });

  it('a timestamp far in the future does not keep the 24-hour window open', async () => {
    const clock = new FakeClock();
    t = await startBotUnderTest({ flows, clock, markRead: false });
    await postWebhook(t.url, envelope({ messages: [{ ...textMessage('4919000004', 'hi'), timestamp: '100000000000' }] }));
    await t.bot.runtime.idle();
    const record = (await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '4919000004'))!.record;
    expect(record.lastInboundAt).toBeLessThanOrEqual(clock.now() + 60_000);
    await clock.advance('25h');
    expect(await t.bot.runtime.isWindowOpen(BUSINESS.phoneNumberId, '4919000004')).toBe(false);
  });

  it('a webhook for another object (a Page) is ignored whole, even if it carries messages', async () => {
    t = await startBotUnderTest({ flows, markRead: false });
    const res = await postWebhook(t.url, { ...envelope({ messages: [textMessage('4919000005', 'hi')] }), object: 'page' });
    expect(res.status).toBe(200);
    await t.bot.runtime.idle();
    expect(t.mock.requests).toEqual([]);
  });

  it('conversation data is readable by the bot’s user only: files 0600, folders 0700', async () => {
    t = await startBotUnderTest({ flows, apiToken: 'x' });
    await postWebhook(t.url, envelope({ messages: [textMessage('4919000006', 'boom'), textMessage('4919000007', 'hi')] })); // boom: a parked message too
    await t.bot.runtime.idle();
    await t.stop();
    const found = await modes(t.dataDir);
    expect(found.filter((f) => !f.dir).length).toBeGreaterThan(3);
    expect(found.filter((f) => (f.dir ? f.mode !== 0o700 : f.mode !== 0o600)).map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([]);
  });
});
