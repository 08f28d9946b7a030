import { afterEach, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { lowdbStore } from '../../src/store/lowdb-store.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

const flows = [toFlow(echoFlow, 'echo.ts')];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The lowdb store, except that saving one contact's record fails (a full disk, say) `times` times. */
async function failingStore(dir: string, waId: string, times: number): Promise<SessionStore> {
  const store = await lowdbStore({ dir });
  let left = times;
  return {
    ...store,
    load: (key) => store.load(key),
    keys: () => store.keys(),
    pendingTimers: () => store.pendingTimers(),
    close: () => store.close(),
    async save(record) {
      if (record.waId === waId && left > 0) {
        left--;
        throw new Error('ENOSPC: no space left on device (simulated)');
      }
      return store.save(record);
    },
  };
}

it('a batch whose processing failed in the store stays in the inbox journal and is processed at the next start', async () => {
  const first: BotUnderTest = await startBotUnderTest({ flows, journal: true, store: undefined }, undefined);
  await first.stop();
  // Same data directory, now with a store that cannot save contact 601.
  const broken = await startBotUnderTest(
    { flows, journal: true, store: await failingStore(first.dataDir, '601', 1) },
    { mock: first.mock, dataDir: first.dataDir },
  );
  expect((await postWebhook(broken.url, envelope({ messages: [textMessage('601', 'lost?'), textMessage('602', 'fine')] }))).status).toBe(200);
  await broken.mock.waitFor(3); // 602: read + reply; 601: read receipt only
  await broken.bot.runtime.idle();
  expect(broken.bot.inbox?.backlog).toBe(1); // not marked done
  await broken.stop();

  const healed = await startBotUnderTest({ flows }, { mock: first.mock, dataDir: first.dataDir });
  cleanups.push(() => healed.cleanup());
  await healed.mock.waitFor(4);
  await healed.bot.runtime.idle();
  const replies = healed.mock.sends().map((s) => `${String(s.body.to)} ${(s.body.text as { body: string }).body}`);
  expect(replies.sort()).toEqual(['601 #1: lost?', '602 #1: fine']); // 601 handled after all, 602 not twice
  await expect.poll(() => healed.bot.inbox?.backlog, { timeout: 2000 }).toBe(0);
});
