import { readFile } from 'node:fs/promises';
import { docPages, exampleBlocks } from './doc-pages.ts';
import { afterEach, describe, expect, it } from 'vitest';
import greeter from './greeter-flow.ts';
import { main } from './embed-example.ts';
import { SUPPORT_FLOW_DIR } from '../helpers/example-flow.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, buttonReply, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every code block of the guide (README.md, docs/*.md) preceded by `<!-- example: path -->` must be that file, verbatim. */
describe('README and docs examples', () => {
  it('are the files the tests run, verbatim, on every page', async () => {
    const pages = docPages();
    const blocks = pages.flatMap((page) => exampleBlocks(page.text).map((block) => ({ ...block, page: page.path })));
    expect(blocks.filter((b) => b.page === 'README.md').length).toBeGreaterThanOrEqual(3);
    expect(new Set(blocks.map((b) => b.page)).size).toBeGreaterThanOrEqual(6);
    for (const { page, file, body } of blocks) {
      expect(body, `${page}: the block for ${file} differs from the file`).toBe(await readFile(file, 'utf8'));
    }
  });

  it('an example comment must sit right above a fenced block', () => {
    for (const page of docPages()) {
      const comments = page.text.match(/<!-- example: /g)?.length ?? 0;
      expect(exampleBlocks(page.text).length, `${page.path}: an <!-- example: … --> not followed by a fenced block`).toBe(comments);
    }
  });

  let t: BotUnderTest | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('the greeter flow answers as the README says', async () => {
    t = await startBotUnderTest({ flows: [toFlow(greeter, 'greeter-flow.ts')] });
    await postWebhook(t.url, envelope({ messages: [textMessage('42', 'hi')], names: { '42': 'Sam' } }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [buttonReply('42', 'tea', 'Tea')] }));
    await t.bot.runtime.idle();
    const sent = t.mock.sends().map((s) => s.body);
    expect(sent[0]).toMatchObject({ interactive: { body: { text: 'Hello Sam! Coffee or tea?' } } });
    expect(sent[1]).toMatchObject({ text: { body: 'One tea coming up.' } });
    // final state: no snapshot kept, the next message starts over
    expect((await t.bot.runtime.inspect(BUSINESS.phoneNumberId, '42'))?.record.snapshot).toBeUndefined();
  });

  it('the embedding example runs a bot', async () => {
    const mock = await startMockProvider();
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-readme-'));
    const { bot, url } = await main(`${mock.url}/v23.0`, dataDir, SUPPORT_FLOW_DIR);
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      await postWebhook(url, envelope({ messages: [textMessage('43', 'hi')] }));
      await bot.runtime.idle();
      expect(mock.sends()).toHaveLength(1);
    } finally {
      await bot.close();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('README "try it with curl"', () => {
  let t: BotUnderTest | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('the curl body, with the shell filling in the current time, gets the support bot to answer', async () => {
    const readme = await readFile('README.md', 'utf8');
    const [, command] = /<!-- curl: try-it -->\n```sh\n([\s\S]*?)```/.exec(readme) ?? [];
    expect(command).toContain('http://localhost:3000/webhook');
    // What the shell does with -d '…'"'"$(date +%s)"'"'…': the current Unix time spliced into the JSON.
    const body = /-d '([\s\S]*)'\n$/.exec(command!)![1]!.replace(`'"$(date +%s)"'`, String(Math.floor(Date.now() / 1000)));
    const support = (await import('../../flows/support.ts')).default;
    t = await startBotUnderTest({ flows: [toFlow(support, 'support.ts')] });
    const response = await fetch(`${t.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    await t.mock.waitFor(2);
    await t.bot.runtime.idle();
    const [read, answer] = t.mock.requests.map((r) => r.body as Record<string, unknown>);
    expect(read).toMatchObject({ status: 'read', message_id: 'wamid.try-1' });
    expect(answer).toMatchObject({ to: '4915550001', interactive: { body: { text: 'Hi Ann! How can we help you today?' } } });

    // The second curl (docs/events.md) taps the FAQ button of that answer.
    const events = await readFile('docs/events.md', 'utf8');
    const [, tap] = /<!-- curl: try-button -->\n```sh\n([\s\S]*?)```/.exec(events) ?? [];
    const tapBody = /-d '([\s\S]*)'\n$/.exec(tap!)![1]!.replace(`'"$(date +%s)"'`, String(Math.floor(Date.now() / 1000)));
    expect((await fetch(`${t.url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tapBody })).status).toBe(200);
    await t.mock.waitFor(4);
    await t.bot.runtime.idle();
    expect(t.mock.requests[3]?.body).toMatchObject({ to: '4915550001', interactive: { type: 'list', body: { text: 'Here are the questions we get most often.' } } });
  });
});
