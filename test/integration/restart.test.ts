import { afterEach, describe, expect, it } from 'vitest';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';

const flows = [toFlow(echoFlow, 'echo.ts')];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const texts = (t: BotUnderTest, to: string) =>
  t.mock
    .sends()
    .filter((r) => r.body.to === to)
    .map((r) => (r.body.text as { body: string }).body);

describe('restart', () => {
  it('continues each conversation from its persisted snapshot and still recognises old message ids', async () => {
    const first = await startBotUnderTest({ flows });
    cleanups.push(() => first.cleanup());
    const m1 = textMessage('100', 'one');
    await postWebhook(first.url, envelope({ messages: [m1, textMessage('100', 'two')] }));
    await first.bot.runtime.idle();
    await first.stop();

    const second = await startBotUnderTest({ flows }, { mock: first.mock, dataDir: first.dataDir });
    cleanups.push(() => second.stop());
    await postWebhook(second.url, envelope({ messages: [m1] })); // a gateway retry of an old message
    await postWebhook(second.url, envelope({ messages: [textMessage('100', 'three')] }));
    await second.bot.runtime.idle();
    expect(texts(second, '100')).toEqual(['#1: one', '#2: two', '#3: three']);
    expect(second.mock.reads()).toHaveLength(3);
  });

  it('a timer pending at shutdown fires once after the next start (at once when overdue)', async () => {
    const mock = await startMockProvider();
    const first = await startBotUnderTest({ flows }, { mock });
    cleanups.push(() => first.cleanup());
    await postWebhook(first.url, envelope({ messages: [textMessage('200', 'remind')] }));
    await first.bot.runtime.idle();
    await first.stop(); // the 300 ms reminder is pending
    const pending = (await import('node:fs/promises')).readFile(`${first.dataDir}/timers.jsonl`, 'utf8');
    expect(await pending).toContain(`${BUSINESS.phoneNumberId}:200`);

    await sleep(450); // now it is overdue
    const second = await startBotUnderTest({ flows }, { mock, dataDir: first.dataDir });
    cleanups.push(() => second.stop());
    await sleep(100);
    await second.bot.runtime.idle();
    expect(texts(second, '200')).toEqual(['I will remind you', 'Reminder!']);

    // Once: another restart does not fire it again.
    await second.stop();
    const third = await startBotUnderTest({ flows }, { mock, dataDir: first.dataDir });
    cleanups.push(() => third.stop());
    await sleep(450);
    await third.bot.runtime.idle();
    expect(texts(third, '200')).toEqual(['I will remind you', 'Reminder!']);
    const view = await third.bot.runtime.inspect(BUSINESS.phoneNumberId, '200');
    expect(view?.record.timers).toEqual([]);
    expect((view?.record.snapshot as { value: string }).value).toBe('chatting');
  });

  it('a timer fires by itself while running, and leaving the state cancels it', async () => {
    const t = await startBotUnderTest({ flows });
    cleanups.push(() => t.cleanup());
    await postWebhook(t.url, envelope({ messages: [textMessage('300', 'remind'), textMessage('301', 'remind')] }));
    await t.bot.runtime.idle();
    await postWebhook(t.url, envelope({ messages: [textMessage('301', 'never mind')] }));
    await sleep(500);
    await t.bot.runtime.idle();
    expect(texts(t, '300')).toEqual(['I will remind you', 'Reminder!']);
    expect(texts(t, '301')).toEqual(['I will remind you', 'cancelled']);
  });
});
