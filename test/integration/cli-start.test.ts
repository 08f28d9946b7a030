import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChartbot as spawnChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { buttonReply, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

function startChartbot(env: Record<string, string>): ChartbotProcess {
  const bot = spawnChartbot(env);
  running.push(async () => {
    if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await bot.exited;
  });
  return bot;
}

describe('chartbot start (the npm start contract)', () => {
  let mock: MockProvider;
  let dataDir: string;
  afterEach(async () => {
    await mock?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the support bot from the environment, answers through the provider, and exits 0 on SIGTERM with state flushed', async () => {
    mock = await startMockProvider();
    dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-'));
    const port = await freePort();
    const secret = 's3cret';
    const bot = startChartbot({
      PORT: String(port),
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_TOKEN: 'tok',
      WHATSAPP_API_URL: `${mock.url}/v23.0`,
      WHATSAPP_APP_SECRET: secret,
      WHATSAPP_VERIFY_TOKEN: 'vt',
      CHARTBOT_DATA_DIR: dataDir,
      FLOWS_DIR: './flows',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, bot);

    expect(await (await fetch(`${url}/webhook?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42`)).text()).toBe('42');
    expect((await postWebhook(url, envelope({ messages: [textMessage('4930', 'hi')] }), secret)).status).toBe(200);
    await mock.waitFor(2);
    expect((await postWebhook(url, envelope({ messages: [buttonReply('4930', 'faq', 'FAQ')] }), secret)).status).toBe(200);
    await mock.waitFor(4);
    expect(mock.sends().map((s) => (s.body.interactive as { type: string }).type)).toEqual(['button', 'list']);
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer tok');

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('stopped cleanly');
    expect(bot.output()).not.toContain('tok"'); // the token never reaches the logs
    const shards = await readdir(join(dataDir, 'contacts'));
    expect(shards).toHaveLength(1);
  });

  it('without a token it falls back to the console provider and says so', async () => {
    mock = await startMockProvider();
    dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-'));
    const port = await freePort();
    const bot = startChartbot({ PORT: String(port), CHARTBOT_DATA_DIR: dataDir });
    await waitForHealth(`http://127.0.0.1:${port}`, bot);
    expect(bot.output()).toContain('WHATSAPP_TOKEN is not set');
    await postWebhook(`http://127.0.0.1:${port}`, envelope({ messages: [textMessage('4931', 'hi')] }));
    const deadline = Date.now() + 5000;
    while (!bot.output().includes('How can we help') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bot.output()).toContain('How can we help');
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });

  it('a bad configuration exits 2 with a message naming the variable', async () => {
    const bot = startChartbot({ WHATSAPP_PROVIDER: 'cloud', PORT: '0' });
    expect(await bot.exited).toBe(2);
    expect(bot.output()).toContain('WHATSAPP_PROVIDER=cloud needs WHATSAPP_TOKEN');
  });
});
