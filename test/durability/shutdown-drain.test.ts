import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let mock: MockProvider | undefined;
let bot: ChartbotProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.kill();
  await mock?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  bot = mock = dir = undefined;
});

const CONTACTS = Array.from({ length: 60 }, (_, i) => `4918000${String(i).padStart(3, '0')}`);

/** A bot whose replies are paced at 20 per second: 60 replies take 3 s to go out. */
async function startPacedBot(env: Record<string, string> = {}): Promise<string> {
  mock ??= await startMockProvider();
  dir ??= await mkdtemp(join(tmpdir(), 'chartbot-drain-'));
  const port = await freePort();
  bot = startChartbot({
    PORT: String(port),
    WHATSAPP_PROVIDER: 'cloud',
    WHATSAPP_TOKEN: 'tok',
    WHATSAPP_API_URL: `${mock.url}/v23.0`,
    CHARTBOT_DATA_DIR: join(dir, 'data'),
    FLOWS_DIR: 'test/fixtures/flow-dirs/echo-only',
    CHARTBOT_MARK_READ: 'false',
    CHARTBOT_THROUGHPUT_MPS: '20',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, bot);
  return url;
}

const repliesPerContact = () => CONTACTS.map((wa) => mock!.sends().filter((s) => s.body.to === wa).length);

describe('SIGTERM drains queued work', () => {
  it('finishes every queued reply before exiting 0, even when all that is left waits on the pacing timers', async () => {
    const url = await startPacedBot();
    expect((await postWebhook(url, envelope({ messages: CONTACTS.map((wa) => textMessage(wa, 'hi')) }))).status).toBe(200);
    bot!.child.kill('SIGTERM');
    expect(await bot!.exited).toBe(0);
    expect(bot!.output()).toContain('stopped cleanly');
    expect(repliesPerContact()).toEqual(CONTACTS.map(() => 1));
  });

  it('past CHARTBOT_SHUTDOWN_GRACE_MS it exits 0 and says what was left; the next start finishes it, nothing twice', async () => {
    const url = await startPacedBot({ CHARTBOT_SHUTDOWN_GRACE_MS: '400' });
    expect((await postWebhook(url, envelope({ messages: CONTACTS.map((wa) => textMessage(wa, 'hi')) }))).status).toBe(200);
    const stoppedAt = Date.now();
    bot!.child.kill('SIGTERM');
    expect(await bot!.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(2500);
    const left = /"jobsLeft":(\d+)/.exec(bot!.output());
    expect(bot!.output()).toContain('grace period over');
    expect(Number(left?.[1])).toBeGreaterThan(0);
    expect(mock!.sends().length).toBeLessThan(CONTACTS.length);
    await startPacedBot();
    await waitUntil(() => mock!.sends().length >= CONTACTS.length, 'the rest sent after the restart', 15_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(repliesPerContact()).toEqual(CONTACTS.map(() => 1));
  });
});
