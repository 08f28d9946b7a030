import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { durableBot } from './durable-bot-example.ts';
import { SUPPORT_FLOW_DIR } from '../helpers/example-flow.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { envelope, postSimultaneously, textMessage } from '../helpers/webhooks.ts';

describe('docs/reliability.md: inbox journal example', () => {
  it('acknowledges concurrent batches once they are fsync\'d and processes them from the journal', async () => {
    const mock = await startMockProvider();
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-readme-durable-'));
    const { bot, url } = await durableBot(`${mock.url}/v23.0`, dataDir, SUPPORT_FLOW_DIR);
    try {
      const contacts = Array.from({ length: 20 }, (_, i) => String(4400 + i));
      const statuses = await postSimultaneously(url, contacts.map((waId) => envelope({ messages: [textMessage(waId, 'hi')] })));
      expect(statuses).toEqual(contacts.map(() => 200));
      const stats = bot.inbox!.journal.stats;
      expect(stats.batches).toBe(20);
      // Every 200 came after an fsync. How many batches shared one depends on how this machine
      // scheduled the requests (group commit itself is proved in test/durability/inbox-journal.test.ts).
      expect(stats.fsyncs).toBeGreaterThanOrEqual(1);
      expect(stats.fsyncs).toBeLessThanOrEqual(20);
      await mock.waitFor(20);
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
