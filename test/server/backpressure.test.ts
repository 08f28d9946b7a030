import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import echo from '../fixtures/flows/echo.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { InboxJournal } from '../../src/durability/inbox-journal.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const flows = [toFlow(echo, 'echo.ts')];
let t: BotUnderTest | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('backpressure (CHARTBOT_MAX_BACKLOG)', () => {
  it('beyond the backlog limit POST /webhook answers 503 with Retry-After and records nothing; below it, 200 again', async () => {
    const mock = await startMockProvider({ delayMs: 2000 });
    t = await startBotUnderTest({ flows, maxBacklog: 5, markRead: false }, { mock });
    const answers: Array<{ status: number; retryAfter: string | null }> = [];
    for (let i = 0; i < 12; i++) {
      const res = await postWebhook(t.url, envelope({ messages: [textMessage(`49170000${i}`, 'hi')] }));
      answers.push({ status: res.status, retryAfter: res.headers.get("retry-after") });
    }
    const accepted = answers.filter((a) => a.status === 200).length;
    expect(accepted).toBe(5);
    expect(answers.slice(5)).toEqual(Array.from({ length: 7 }, () => ({ status: 503, retryAfter: '10' })));
    expect(t.bot.inbox?.journal.stats.batches).toBe(5); // the refused batches were not even recorded
    await t.bot.runtime.idle();
    expect(mock.sends()).toHaveLength(5);
    expect((await postWebhook(t.url, envelope({ messages: [textMessage('4917000099', 'later')] }))).status).toBe(200);
  });

  it('a long journal left by the last run is replayed as room frees up, never all at once, and new webhooks wait for it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-replay-'));
    const { journal } = await InboxJournal.open({ dir: join(dataDir, 'inbox') });
    for (let i = 0; i < 40; i++) await journal.append(Buffer.from(JSON.stringify(envelope({ messages: [textMessage(`49171000${i}`, 'queued')] }))));
    await journal.close();
    const mock = await startMockProvider({ delayMs: 20 });
    t = await startBotUnderTest({ flows, maxBacklog: 8, markRead: false }, { mock, dataDir });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, t!.bot.runtime.backlog)), 2);
    const early = await postWebhook(t.url, envelope({ messages: [textMessage('4917100000', 'new')] }));
    await waitUntil(() => mock.sends().length >= 40, 'every replayed batch answered', 15_000);
    clearInterval(sampler);
    expect(early.status).toBe(503); // still replaying: a new message must not overtake the journal
    expect(most).toBeLessThanOrEqual(8);
    expect(most).toBeGreaterThan(0);
    await waitUntil(async () => (await fetch(`${t!.url}/health`)).status === 200, 'accepting after the replay');
    expect((await postWebhook(t.url, envelope({ messages: [textMessage('4917100000', 'new')] }))).status).toBe(200);
  });
});
