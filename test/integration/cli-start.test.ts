import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChartbot as spawnChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { wantsPrettyLogs } from '../../src/logger.ts';
import { SUPPORT_FLOW_DIR } from '../helpers/example-flow.ts';
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
      FLOWS_DIR: SUPPORT_FLOW_DIR,
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
    const bot = startChartbot({ PORT: String(port), CHARTBOT_DATA_DIR: dataDir, FLOWS_DIR: SUPPORT_FLOW_DIR });
    await waitForHealth(`http://127.0.0.1:${port}`, bot);
    expect(bot.output()).toContain('WHATSAPP_TOKEN is not set');
    expect(bot.output()).toMatch(/^\{"level":40,.*WHATSAPP_TOKEN is not set/m); // piped: JSON lines for a log collector
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

describe('chartbot start with D7, per-number gateways and the proactive API (issue 4 variables)', () => {
  const dirs: string[] = [];
  const mocks: MockProvider[] = [];
  afterEach(async () => {
    for (const m of mocks.splice(0)) await m.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('WHATSAPP_PROVIDER=d7 + WHATSAPP_SENDER, WHATSAPP_NUMBERS and CHARTBOT_API_TOKEN work from the environment', async () => {
    const d7 = await startMockProvider({
      answer: (r) => (r.path === '/whatsapp/v2/send' ? { status: 200, body: { request_id: 'd7-req-1' } } : { status: 200, body: {} }),
    });
    const cloud = await startMockProvider();
    mocks.push(d7, cloud);
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-'));
    dirs.push(dataDir);
    const port = await freePort();
    const bot = startChartbot({
      PORT: String(port),
      WHATSAPP_PROVIDER: 'd7',
      WHATSAPP_TOKEN: 'd7-token',
      WHATSAPP_SENDER: '971500000002',
      WHATSAPP_API_URL: d7.url,
      WHATSAPP_NUMBERS: JSON.stringify({ '777': { provider: 'cloud', token: 'meta-token', apiUrl: `${cloud.url}/v23.0` } }),
      CHARTBOT_API_TOKEN: 'api-secret',
      CHARTBOT_THROUGHPUT_MPS: '20',
      CHARTBOT_DATA_DIR: dataDir,
      FLOWS_DIR: SUPPORT_FLOW_DIR,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, bot);

    const send = (businessNumberId: string, token = 'api-secret') =>
      fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ businessNumberId, to: '4930', messages: [{ type: 'template', template: { name: 'hello', language: { code: 'en' } } }] }),
      });
    expect((await send('106540352242922', 'wrong')).status).toBe(401);
    expect(await (await send('106540352242922')).json()).toEqual({ results: [{ messageId: 'd7-req-1', type: 'template' }] });
    expect(await (await send('777')).json()).toEqual({ results: [{ messageId: 'wamid.out.1', type: 'template' }] });
    expect(d7.requests[0]?.body).toMatchObject({ messages: [{ originator: '971500000002', content: { message_type: 'TEMPLATE' } }] });
    expect(cloud.requests[0]).toMatchObject({ path: '/v23.0/777/messages', headers: { authorization: 'Bearer meta-token' } });

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});

describe('chartbot start on a port that is taken', () => {
  it('exits 2 with one line naming the port and how to choose another (PORT, --port), no stack', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-'));
    try {
      const bot = startChartbot({ PORT: String(port), CHARTBOT_DATA_DIR: dataDir });
      expect(await bot.exited).toBe(2);
      const errors = bot.output().split('\n').filter((line) => line.startsWith('chartbot: '));
      expect(errors).toEqual([
        `chartbot: port ${port} is already in use (another chartbot or another program listens on it): stop it, or choose another with PORT=<n> npm start (or chartbot start --port <n>)`,
      ]);
      expect(bot.output()).not.toMatch(/\n\s+at /); // no stack trace
      // The API's own port (CHARTBOT_API_PORT) taken: the message names that variable.
      const api = startChartbot({ PORT: String(await freePort()), CHARTBOT_API_PORT: String(port), CHARTBOT_API_TOKEN: 'api-token', CHARTBOT_DATA_DIR: dataDir });
      expect(await api.exited).toBe(2);
      expect(api.output()).toContain(`chartbot: port ${port} (the API port) is already in use (another chartbot or another program listens on it): stop it, or choose another with CHARTBOT_API_PORT=<n>`);
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("chartbot start in a developer's terminal (a pseudo-terminal)", () => {
  it('logs readable lines and prints replies as a person reads them', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-cli-'));
    // util-linux `script` runs the command on a pseudo-terminal: stdout.isTTY is true, as in a terminal.
    const env = { PATH: process.env.PATH ?? '', TERM: 'dumb', NO_COLOR: '1', PORT: String(port), CHARTBOT_DATA_DIR: dataDir, FLOWS_DIR: SUPPORT_FLOW_DIR };
    const child = spawn('script', ['-qfec', `${process.execPath} bin/chartbot.js start`, '/dev/null'], { cwd: process.cwd(), env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = once(child, 'exit');
    const shows = async (text: string) => {
      const deadline = Date.now() + 15_000;
      while (!screen.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(screen).toContain(text);
    };
    try {
      await shows(`chartbot listening on port ${port}`);
      await postWebhook(`http://127.0.0.1:${port}`, envelope({ messages: [textMessage('4935', 'hi')], names: { '4935': 'Ann' } }));
      await shows('Talk to a person');
      child.stdin.write('\x03'); // Ctrl-C: SIGINT to the bot, as in a terminal
      await exited;
      const text = screen.replaceAll('\r', '');
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: WHATSAPP_TOKEN is not set/m);
      expect(text).toMatch(new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] INFO: chartbot listening on port ${port}`, 'm'));
      expect(text).toContain('→ 4935 (from 106540352242922): Hi Ann! How can we help you today?\n    [FAQ] [Open a ticket] [Talk to a person]\n');
      expect(text).not.toContain('{"level"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('pretty only in a terminal outside production: a pipe (a log collector) and NODE_ENV=production get JSON', () => {
    expect(wantsPrettyLogs({}, { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs({ NODE_ENV: 'production' }, { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs({}, { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs({}, {})).toBe(false);
  });
});
