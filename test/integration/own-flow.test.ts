import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PIZZA = fileURLToPath(new URL('../fixtures/own-flow/pizza.ts', import.meta.url));

/**
 * The tests that start bots from a flows folder or spawn `chartbot start` (all of them failed when
 * they read the repository's `flows/`): in a copy of the project whose `flows/` holds a second
 * flow, they must pass as they do here. The rest of the suite is held to the same rule by the
 * source check below.
 */
const PROJECT_TESTS = [
  'test/flows/support-flow-http.test.ts',
  'test/flows/shop-flow-http.test.ts',
  'test/integration/cli-start.test.ts',
  'test/readme/readme-examples.test.ts',
  'test/readme/durable-bot-example.test.ts',
  'test/readme/performance-examples.test.ts',
];

/** Runs a command in `cwd`; resolves with its exit code and output (bounded by `timeoutMs`). */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', CI: '1', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The two places where the bot's answer shows: the console provider's lines in the output. */
async function waitForOutput(bot: ChartbotProcess, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!bot.output().includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(bot.output()).toContain(text);
}

describe('a flow of one\'s own in flows/ (a copy of the project, as a newcomer has it)', () => {
  let project: string;
  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'chartbot-own-flow-'));
    for (const entry of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'docs', 'bin', 'src', 'flows', 'test']) {
      await cp(join(root, entry), join(project, entry), { recursive: true });
    }
    await symlink(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
    await cp(PIZZA, join(project, 'flows', 'pizza.ts'));
  });
  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('npm start stops with the lines to write; written as it says, the bot starts and serves the new flow', async () => {
    const ambiguous = startChartbot({ PORT: String(await freePort()) }, { cwd: project });
    expect(await ambiguous.exited).toBe(2);
    expect(ambiguous.output()).toContain('several flows could serve every number: pizza (flows/pizza.ts), support (flows/support.ts).');
    expect(ambiguous.output()).toContain("export default defineFlow({ name: 'pizza', machine, default: true });");
    expect(ambiguous.output()).toContain("export default defineFlow({ name: 'support', machine, numbers: ['<phone_number_id>'] });");
    expect(ambiguous.output()).toContain('CHARTBOT_FLOW=pizza npm start');

    // The first way out, exactly as the message writes it.
    const pizzaFile = join(project, 'flows', 'pizza.ts');
    const source = await readFile(pizzaFile, 'utf8');
    await writeFile(pizzaFile, source.replace("export default defineFlow({ name: 'pizza', machine });", "export default defineFlow({ name: 'pizza', machine, default: true });"));
    const port = await freePort();
    const dataDir = join(project, 'data');
    const bot = startChartbot({ PORT: String(port), CHARTBOT_DATA_DIR: dataDir }, { cwd: project });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, bot);
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { flows: string[] };
      expect(health.flows).toEqual(expect.arrayContaining(['pizza', 'support']));
      await postWebhook(`http://127.0.0.1:${port}`, envelope({ messages: [textMessage('4930', 'hi')] }));
      await waitForOutput(bot, 'Which size?');
    } finally {
      await bot.kill();
    }
  }, 60_000);

  it("the project's tests of the example flow and the CLI pass with the new flow in flows/", async () => {
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await run(process.execPath, [vitest, 'run', '--no-cache', '--reporter=dot', ...PROJECT_TESTS], project, 150_000);
    expect(result.output).toMatch(new RegExp(`Test Files\\s+${PROJECT_TESTS.length} passed`));
    expect(result.code, result.output).toBe(0);
  }, 180_000);
});

/** Every .ts file under `dir`, recursively. */
async function sources(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

describe("the framework's tests, benchmarks and scripts", () => {
  it("never read the repository's flows/ folder (only the example flows, by file)", async () => {
    // Reading the folder (loadFlows of it, FLOWS_DIR set to it) sees whatever the user added there.
    const folderRead = /(loadFlows|flowsAt)\(\s*['"`](\.\/)?flows\/?['"`]|FLOWS_DIR['"]?\s*[:=]\s*['"`](\.\/)?flows\/?['"`]/;
    const offenders: string[] = [];
    for (const file of [...(await sources('test')), ...(await sources('bench')), ...(await sources('scripts'))]) {
      const text = await readFile(join(root, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (folderRead.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
