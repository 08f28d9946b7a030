import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { durableBot } from './durable-bot-example.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

describe('README "Reliability" example', () => {
  it('acknowledges concurrent batches with shared fsyncs and processes the batches from the journal', async () => {
    const mock = await startMockProvider();
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-readme-durable-'));
    const { bot, url } = await durableBot(`${mock.url}/v23.0`, dataDir);
    try {
      // A first message warms the flow up: this test's client and bot share one event loop, and a
      // cold first step would space the concurrent POSTs out.
      expect((await postWebhook(url, envelope({ messages: [textMessage('4399', 'hi')] }))).status).toBe(200);
      await mock.waitFor(2);
      await bot.runtime.idle();
      const before = { ...bot.inbox!.journal.stats };
      const contacts = Array.from({ length: 20 }, (_, i) => String(4400 + i));
      const responses = await Promise.all(contacts.map((waId) => postWebhook(url, envelope({ messages: [textMessage(waId, 'hi')] }))));
      expect(responses.map((r) => r.status)).toEqual(contacts.map(() => 200));
      const stats = bot.inbox!.journal.stats;
      expect(stats.batches - before.batches).toBe(20);
      expect(stats.fsyncs - before.fsyncs).toBeLessThan(20); // group commit: concurrent POSTs share fsyncs
      await mock.waitFor(42);
      await bot.runtime.idle();
      await new Promise((r) => setTimeout(r, 10));
      expect(bot.inbox?.backlog).toBe(0);
    } finally {
      await bot.close();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
