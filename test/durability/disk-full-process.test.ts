import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const faults = fileURLToPath(new URL('../helpers/disk-faults.mjs', import.meta.url));
let mock: MockProvider | undefined;
let bot: ChartbotProcess | undefined;
let dir: string;
afterEach(async () => {
  await bot?.kill();
  await mock?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Texts the bot sent, per contact. */
const sentTo = (to: string) => mock!.sends().filter((s) => s.body.to === to).map((s) => (s.body.text as { body: string }).body);

describe('chartbot start on a disk that refuses writes (injected ENOSPC)', () => {
  it('answers 503 and reports why while the disk refuses writes, acknowledges nothing it did not store, and goes on by itself with no duplicate reply', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chartbot-diskfull-'));
    const flag = join(dir, 'disk-full');
    mock = await startMockProvider();
    const port = await freePort();
    const start = () =>
      startChartbot({
        PORT: String(port),
        WHATSAPP_PROVIDER: 'cloud',
        WHATSAPP_TOKEN: 'tok',
        WHATSAPP_API_URL: `${mock!.url}/v23.0`,
        CHARTBOT_DATA_DIR: join(dir, 'data'),
        FLOWS_DIR: 'test/fixtures/flow-dirs/echo-only',
        CHARTBOT_MARK_READ: 'false',
        NODE_OPTIONS: `--import=${faults}`,
        CHARTBOT_TEST_DISK_FAULTS: flag,
      });
    bot = start();
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, bot);
    /** A gateway: posts the batch until it is acknowledged. */
    const deliver = async (body: unknown) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        if ((await postWebhook(url, body)).status === 200) return attempt;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('never acknowledged');
    };
    await deliver(envelope({ messages: [textMessage('4911', 'one')] }));
    await waitUntil(() => sentTo('4911').length === 1, 'the first reply');

    // The whole disk is full: the webhook refuses (nothing can be made durable) and /health says why.
    await writeFile(flag, '');
    const refused = await postWebhook(url, envelope({ messages: [textMessage('4911', 'two')] }));
    expect(refused.status).toBe(503);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', problems: expect.arrayContaining([expect.objectContaining({ source: 'inbox', reason: expect.stringContaining('ENOSPC') })]) });

    // Only the contact journal refuses: batches are acknowledged (the inbox journal holds them) and
    // wait; /health reports the store; nothing is answered yet.
    await writeFile(flag, 'journal-');
    await deliver(envelope({ messages: [textMessage('4911', 'three'), textMessage('4922', 'un')] }));
    await waitUntil(async () => (await fetch(`${url}/health`)).status === 503, 'health reports the store');
    const stuck = (await (await fetch(`${url}/health`)).json()) as { problems: Array<{ source: string }> };
    expect(stuck.problems.map((p) => p.source)).toContain('store');
    expect(sentTo('4922')).toEqual([]);

    // Space returns: the bot goes on by itself, and the gateway's retry of "two" gets through.
    await unlink(flag);
    await deliver(envelope({ messages: [textMessage('4911', 'two', 'wamid.two')] }));
    await waitUntil(() => sentTo('4911').length === 3 && sentTo('4922').length === 1, 'every message answered', 15_000);
    await waitUntil(async () => (await fetch(`${url}/health`)).status === 200, 'healthy again', 10_000);

    // A restart sends nothing again.
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    bot = start();
    await waitForHealth(url, bot);
    await deliver(envelope({ messages: [textMessage('4922', 'deux')] }));
    await waitUntil(() => sentTo('4922').length === 2, 'the reply after the restart');
    expect(sentTo('4911')).toHaveLength(3);
    expect(sentTo('4922')).toEqual(['#1: un', '#2: deux']);
    expect(new Set(sentTo('4911')).size).toBe(3); // no reply twice
  }, 60_000);
});
