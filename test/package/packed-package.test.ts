import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/chartbot-process.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

/**
 * The package as a user gets it: `npm pack`, the tarball installed into a fresh project (its
 * dependencies from the registry, or npm's cache when it has them), then used the way the guide
 * says, down to `chartbot init` and the new project's own `npm test` and `npm start`. The slow test
 * of the suite (two installs); every step is bounded in time.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const temp = tempDirForFile('chartbot-packed-');
const repoVersion = async (name: string) => (JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs a command to completion; its output goes into the error when it fails. */
async function sh(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NODE_ENV: '' } });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let tarball: string;
let packedFiles: string[];
let consumer: string;

/** Whether dist/ is older than a source file or a template (then it is built again before packing). */
async function distIsStale(): Promise<boolean> {
  const built = await stat(join(root, 'dist/index.js')).catch(() => undefined);
  if (!built) return true;
  const sources = await readdir(join(root, 'src'), { recursive: true });
  const times = await Promise.all(sources.map(async (file) => (await stat(join(root, 'src', file))).mtimeMs));
  return times.some((time) => time > built.mtimeMs);
}

beforeAll(async () => {
  // `npm test` has just built dist/: pack it as it is (prepack would build it again) unless stale.
  if (await distIsStale()) await sh('npm', ['run', 'build'], root);
  const [packed] = JSON.parse(await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp.path()], root)) as { filename: string; files: { path: string }[] }[];
  tarball = join(temp.path(), packed!.filename);
  packedFiles = packed!.files.map((f) => f.path);

  consumer = join(temp.path(), 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `vitest@${await repoVersion('vitest')}`], consumer, 240_000);
}, 300_000);

describe('the packed package', () => {
  it('holds what users need and nothing else', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/chartbot.js', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/cli/main.js', 'templates/init/flows/support.ts', 'templates/init/gitignore']) {
      expect(packedFiles).toContain(needed);
    }
    expect(packedFiles.filter((f) => !/^(dist\/|bin\/|templates\/init\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f))).toEqual([]);
    expect(packedFiles.filter((f) => f.startsWith('dist/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  });

  it('compiles in a strict consumer project with zero errors, under node16 and bundler resolution (nodenext: the init project below)', async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true, types: ['node'] },
        include: ['app.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'app.ts'),
      `import { buttons, consoleProvider, createBot, defineFlow, loadFlows, reply, type ChartbotEvent, type Flow } from 'chartbot';
import { chartbotMatchers, createTestBot, expectTranscript, type TestBot } from 'chartbot/testing';
import { setup } from 'xstate';

const machine = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  on: { 'user.button': { actions: reply(({ event }) => buttons(event.title, [{ id: 'a', title: 'A' }])) } },
});
export const flow = defineFlow({ name: 'typed', machine });
export async function main(): Promise<void> {
  const flows: Flow[] = await loadFlows('./my-flows');
  const bot = await createBot({ flows, provider: consoleProvider() });
  const test: TestBot = await createTestBot({ flow });
  void chartbotMatchers;
  void expectTranscript;
  await test.close();
  await bot.close();
}
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    // Every declaration file checked once (skipLibCheck off); the other resolution needs only to resolve.
    expect(await sh(process.execPath, [tsc, '-p', '.', '--module', 'node16', '--moduleResolution', 'node16'], consumer)).toBe('');
    expect(await sh(process.execPath, [tsc, '-p', '.', '--skipLibCheck', '--module', 'esnext', '--moduleResolution', 'bundler'], consumer)).toBe('');
  }, 180_000);

  it('imports as ES modules at run time', async () => {
    const out = await sh(process.execPath, ['--input-type=module', '-e', "const c = await import('chartbot'); const t = await import('chartbot/testing'); console.log(typeof c.createBot, typeof t.createTestBot, c.text('hi').type)"], consumer);
    expect(out.trim()).toBe('function function text');
  });

  it('`chartbot start` runs a .ts flow from a folder outside the project (no package.json, nothing installed there)', async () => {
    const flows = join(temp.path(), 'elsewhere', 'flows');
    await mkdir(flows, { recursive: true });
    await writeFile(
      join(flows, 'echo.ts'),
      `import { setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

const machine = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  on: { 'user.text': { actions: reply(({ event }) => 'you said ' + event.text) } },
});
export default defineFlow({ name: 'echo', machine });
`,
    );
    const mock = await startMockProvider();
    const port = await freePort();
    const bot = spawn(join(consumer, 'node_modules/.bin/chartbot'), ['start'], {
      cwd: consumer,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), FLOWS_DIR: flows, CHARTBOT_DATA_DIR: join(temp.path(), 'data'), WHATSAPP_TOKEN: 'tok', WHATSAPP_API_URL: `${mock.url}/v23.0` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bot.stdout.on('data', (d: Buffer) => (output += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(bot, 'exit');
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 20_000;
      let health: Response | undefined;
      while (!health && Date.now() < deadline && bot.exitCode === null) {
        health = await fetch(`${url}/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status, output).toBe(200);
      expect(await health!.json()).toMatchObject({ status: 'ok', flows: ['echo'] });
      await postWebhook(url, envelope({ messages: [textMessage('4917', 'hello')] }));
      await mock.waitFor(2);
      expect(mock.sends().map((s) => (s.body.text as { body: string }).body)).toEqual(['you said hello']);
      bot.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (bot.exitCode === null) bot.kill('SIGKILL');
      await mock.close();
    }
  });
});

describe('a project made by `chartbot init` from the installed package', () => {
  let project: string;
  beforeAll(async () => {
    project = join(temp.path(), 'my-bot');
    const made = await sh(join(consumer, 'node_modules/.bin/chartbot'), ['init', project], consumer, 30_000);
    expect(made).toContain('npm install');
    // Its package.json asks for chartbot ^<this version> from the registry; the tarball stands in.
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], project, 240_000);
  }, 300_000);

  it('passes its own `npm test` (strict type check, a conversation test and a transcript test)', async () => {
    const out = (await sh('npm', ['test'], project, 120_000)).replace(/\x1b\[[0-9;]*m/g, '');
    expect(out).toMatch(/Test Files\s+2 passed/);
    expect(out).toMatch(/Tests\s+4 passed/);
  }, 150_000);

  it('`npm start` runs the bot: /health answers, and a message gets the menu', async () => {
    const mock = await startMockProvider();
    const port = await freePort();
    const bot = spawn('npm', ['start'], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), WHATSAPP_TOKEN: 'tok', WHATSAPP_API_URL: `${mock.url}/v23.0` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // npm runs chartbot in a child: signal the whole group
    });
    let output = '';
    bot.stdout.on('data', (d: Buffer) => (output += d.toString()));
    bot.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const closed = once(bot, 'close'); // npm and chartbot both gone, their output read to the end
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      let health: Response | undefined;
      while (!health && Date.now() < deadline && bot.exitCode === null) {
        health = await fetch(`${url}/health`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status, output).toBe(200);
      expect(await health!.json()).toMatchObject({ status: 'ok', flows: ['support'] });
      await postWebhook(url, envelope({ messages: [textMessage('4918', 'hi')], names: { '4918': 'Ola' } }));
      await mock.waitFor(2);
      expect(mock.sends()[0]?.body).toMatchObject({ interactive: { body: { text: 'Hi Ola! How can we help you?' } } });
      process.kill(-bot.pid!, 'SIGTERM');
      await closed;
      expect(output).toContain('stopped cleanly');
    } finally {
      if (bot.exitCode === null) process.kill(-bot.pid!, 'SIGKILL');
      await mock.close();
    }
  }, 60_000);
});
