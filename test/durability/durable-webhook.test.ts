import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { InboxJournal } from '../../src/durability/inbox-journal.ts';
import { decodeRecords } from '../../src/durability/journal-record.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { Runtime } from '../../src/conversation/runtime.ts';
import { silentLogger } from '../../src/logger.ts';
import { memoryStore } from '../../src/store/memory-store.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import { emptyRecord, type ContactRecord } from '../../src/store/contact-record.ts';
import { recordingProvider } from '../../src/testing/recording-provider.ts';
import { webhookRouter } from '../../src/webhook/webhook-router.ts';
import { parseWebhook } from '../../src/messages/parse-webhook.ts';
import { text } from '../../src/messages/builders.ts';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const flows = [toFlow(echoFlow, 'echo.ts')];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bot(reuse?: { mock?: MockProvider; dataDir?: string }): Promise<BotUnderTest> {
  const t = await startBotUnderTest({ flows }, reuse);
  cleanups.push(reuse?.dataDir ? () => t.stop() : () => t.cleanup());
  return t;
}

const replies = (mock: MockProvider, to: string) =>
  mock
    .sends()
    .filter((r) => r.body.to === to)
    .map((r) => (r.body.text as { body: string }).body);

async function journalBodies(dataDir: string): Promise<string[]> {
  const inbox = join(dataDir, 'inbox');
  const bodies: string[] = [];
  for (const name of (await readdir(inbox)).filter((n) => n.endsWith('.journal'))) {
    for (const record of decodeRecords(await readFile(join(inbox, name))).records) if (record.kind === 'batch') bodies.push(record.payload.toString());
  }
  return bodies;
}

/** Records a webhook batch in a stopped bot's journal, as if it was acknowledged just before a crash. */
async function recordUnprocessed(dataDir: string, body: unknown): Promise<void> {
  const { journal } = await InboxJournal.open({ dir: join(dataDir, 'inbox') });
  await journal.append(Buffer.from(JSON.stringify(body)));
  await journal.close();
}

describe('acknowledged means durable', () => {
  it('the 200 comes after the batch is in the inbox journal, and it is processed from there', async () => {
    const t = await bot();
    const message = textMessage('501', 'hello');
    const response = await postWebhook(t.url, envelope({ messages: [message] }));
    expect(response.status).toBe(200);
    // Read right after the 200, before anything else can happen: the batch is on disk.
    expect((await journalBodies(t.dataDir)).some((b) => b.includes(String(message.id)))).toBe(true);
    await t.mock.waitFor(2);
    await t.bot.runtime.idle();
    expect(replies(t.mock, '501')).toEqual(['#1: hello']);
  });

  it('a batch acknowledged but not processed before a crash is processed at the next start, once', async () => {
    const first = await bot();
    await postWebhook(first.url, envelope({ messages: [textMessage('502', 'one')] }));
    await first.mock.waitFor(2);
    await first.stop();
    await recordUnprocessed(first.dataDir, envelope({ messages: [textMessage('502', 'two'), textMessage('503', 'hi')] }));

    const second = await bot({ mock: first.mock, dataDir: first.dataDir });
    await first.mock.waitFor(6);
    await second.bot.runtime.idle();
    expect(replies(first.mock, '502')).toEqual(['#1: one', '#2: two']);
    expect(replies(first.mock, '503')).toEqual(['#1: hi']);
    await second.stop();
    expect((await readdir(join(first.dataDir, 'inbox'))).filter((n) => n.endsWith('.journal'))).toEqual([]); // drained: nothing left

    const third = await bot({ mock: first.mock, dataDir: first.dataDir });
    await third.bot.runtime.idle();
    expect(first.mock.sends()).toHaveLength(3);
  });

  it('a replay of a batch that was already processed reaches no machine (message ids are remembered)', async () => {
    const first = await bot();
    const message = textMessage('504', 'only once');
    await postWebhook(first.url, envelope({ messages: [message] }));
    await first.mock.waitFor(2);
    await first.stop();
    // A crash after processing but before the done marker: the same batch is still in the journal.
    await recordUnprocessed(first.dataDir, envelope({ messages: [message] }));
    const second = await bot({ mock: first.mock, dataDir: first.dataDir });
    await new Promise((r) => setTimeout(r, 100));
    await second.bot.runtime.idle();
    expect(replies(first.mock, '504')).toEqual(['#1: only once']);
  });

  it('processing starts alongside the fsync: a batch whose recording failed (503) and is re-delivered is handled once', async () => {
    const t = await bot();
    const journal = t.bot.inbox!.journal;
    const append = journal.append.bind(journal);
    journal.append = () => Promise.reject(new Error('EIO: i/o error')); // the disk fails this one append
    const batch = envelope({ messages: [textMessage('506', 'retried')] });
    expect((await postWebhook(t.url, batch)).status).toBe(503);
    journal.append = append;
    await t.bot.runtime.idle();
    expect(replies(t.mock, '506')).toEqual(['#1: retried']); // processed while the append was failing
    expect((await postWebhook(t.url, batch)).status).toBe(200); // the gateway's retry
    await t.bot.runtime.idle();
    expect(replies(t.mock, '506')).toEqual(['#1: retried']);
    await waitUntil(() => t.bot.inbox!.backlog === 0, 'the re-delivered batch marked done');
  });

  it('answers 503 (the gateway retries) when the batch cannot be recorded', async () => {
    const app = new Koa();
    const processed: unknown[] = [];
    const router = webhookRouter({
      onWebhook: (parsed) => void processed.push(parsed),
      record: () => Promise.reject(new Error('ENOSPC: no space left on device')),
      logger: silentLogger(),
      accepting: () => true,
    });
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const response = await postWebhook(`http://127.0.0.1:${port}`, envelope({ messages: [textMessage('505', 'x')] }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(processed).toEqual([]);
  });
});

/** A stopped bot's data folder holding a contact whose outbox has unsent replies (ids e0, e1, …), as a crash leaves it. */
async function crashedWithOutbox(waId: string, texts: string[]) {
  const mock = await startMockProvider();
  cleanups.push(() => mock.close());
  const first = await bot({ mock });
  await first.stop();
  const store = await lowdbStore({ dir: first.dataDir });
  const outbox = texts.map((body, i) => ({ id: `e${i}`, message: text(body), decidedAt: Date.now() }));
  const record = { ...emptyRecord(BUSINESS.phoneNumberId, waId), lastInboundAt: Date.now(), outbox };
  await store.save(record);
  await store.close();
  return { mock, first, key: record.key };
}

describe('decided replies are sent', () => {
  it('the replies a transition decided are saved in the same write as its snapshot and message id, then cleared once sent', async () => {
    const store = memoryStore();
    const saves: ContactRecord[] = [];
    const save = store.save.bind(store);
    store.save = async (record) => {
      saves.push(structuredClone(record));
      await save(record);
    };
    const provider = recordingProvider();
    const runtime = new Runtime({ flows, provider, store, markRead: false });
    const [event] = parseWebhook(envelope({ messages: [textMessage('506', 'hey', 'wamid.in.1')] })).messages;
    await runtime.deliver(event!);
    expect(saves[0]).toMatchObject({ seen: { 'wamid.in.1': expect.any(Number) }, snapshot: { context: { count: 1 } }, outbox: [{ message: { type: 'text', text: { body: '#1: hey' } } }] });
    expect(saves.at(-1)?.outbox).toBeUndefined();
    expect(saves.at(-1)?.outbound).toEqual({ [provider.sends[0]!.messageId!]: expect.objectContaining({ status: 'accepted' }) });
    await runtime.close();
  });

  it('replies decided but not confirmed before a crash are sent at the next start, in order, found through the outbox index', async () => {
    const { mock, first, key } = await crashedWithOutbox('507', ['first', 'second']);
    expect(await readFile(join(first.dataDir, 'outbox.jsonl'), 'utf8')).toContain(key);

    const second = await bot({ mock, dataDir: first.dataDir });
    await mock.waitFor(2);
    await second.bot.runtime.idle();
    expect(replies(mock, '507')).toEqual(['first', 'second']);
    expect((await second.bot.runtime.inspect(BUSINESS.phoneNumberId, '507'))?.record.outbox).toBeUndefined();
    await second.stop();
    const reopened = await lowdbStore({ dir: first.dataDir });
    expect(await reopened.pendingOutbox?.()).toEqual([]);
    await reopened.close();
  });

  it('a reply the provider accepted just before a crash, before the record said so, is not sent again (the sent log)', async () => {
    const { mock, first } = await crashedWithOutbox('508', ['accepted before the crash', 'never sent']);
    await mkdir(join(first.dataDir, 'sent'), { recursive: true });
    const line = JSON.stringify({ k: `${BUSINESS.phoneNumberId}:508`, e: 'e0', m: 'wamid.before.crash' });
    await writeFile(join(first.dataDir, 'sent', 'sent-0000000001.log'), `${line}\n{"k":"torn`);

    const second = await bot({ mock, dataDir: first.dataDir });
    await mock.waitFor(1);
    await second.bot.runtime.idle();
    expect(replies(mock, '508')).toEqual(['never sent']);
    const record = (await second.bot.runtime.inspect(BUSINESS.phoneNumberId, '508'))?.record;
    expect(record?.outbound['wamid.before.crash']).toMatchObject({ status: 'accepted' });
    expect(record?.outbox).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(join(first.dataDir, 'sent'))).not.toContain('sent-0000000001.log'); // forgotten once handled
  });
});
