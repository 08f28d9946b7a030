import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.ts';
import { createProgram } from '../../src/cli/program.ts';
import { freePort, startChartbot, waitForHealth } from '../helpers/chartbot-process.ts';
import { runCli } from './run-cli.ts';

const COMMANDS = ['start', 'init', 'test', 'chat', 'graph'];

/** A command's `--help` as the CLI prints it, without a process per command (the overview test runs one). */
function helpOf(name: string): string {
  const program = createProgram();
  let out = '';
  program.configureOutput({ writeOut: (text) => (out += text) });
  const command = program.commands.find((c) => c.name() === name)!;
  command.configureOutput({ writeOut: (text) => (out += text) });
  command.outputHelp();
  return out;
}

/** The entries of a help text's "Options:" section, each with its wrapped lines joined. */
function optionEntries(help: string): string[] {
  const section = help.split('\nOptions:\n')[1]!.split('\n\n')[0]!;
  const entries: string[] = [];
  for (const line of section.split('\n')) {
    if (/^ {2}-/.test(line)) entries.push(line.trim());
    else entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries;
}

describe('chartbot --help, --version and each command\'s --help', () => {
  it('the overview lists every command, with examples', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('Examples:\n  $ chartbot init my-bot\n');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run.stdout).toBe(`${version}\n`);
  });

  for (const command of COMMANDS) {
    it(`${command} --help lists its options with their defaults and one example`, () => {
      const help = helpOf(command);
      expect(help).toMatch(new RegExp(`^Usage: chartbot ${command} `));
      const options = optionEntries(help).filter((entry) => !entry.startsWith('-h, --help'));
      expect(options.length).toBeGreaterThan(0);
      for (const entry of options) expect(entry, `${command}: ${entry}`).toMatch(/\(default: [^)]+\)|default: /);
      expect(help).toMatch(new RegExp(`\\nExample:\\n  \\$ chartbot ${command} .+\\n`));
    });
  }

  it('start --help lists every environment variable it reads (through the CLI)', async () => {
    const run = await runCli(['start', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(helpOf('start'));
    for (const name of Object.keys(configSchema.shape)) expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});

describe('chartbot start --port and --env', () => {
  it('--port wins over PORT, --env reads a file, and the real environment wins over the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chartbot-start-options-'));
    const envFile = join(dir, '.env');
    await writeFile(envFile, `PORT=1\nCHARTBOT_DATA_DIR=${join(dir, 'data-from-file')}\nFLOWS_DIR=${join(dir, 'no-such-flows')}\n`);
    const port = await freePort();
    const bot = startChartbot({ PORT: '2' }, { args: ['--port', String(port), '--env', envFile] });
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, bot);
      expect((await stat(join(dir, 'data-from-file'))).isDirectory()).toBe(true);
    } finally {
      await bot.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad --port is refused before anything starts', async () => {
    const run = await runCli(['start', '--port', 'eighty']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("option '--port <port>' argument 'eighty' is invalid. a port number from 0 to 65535 is expected.");
  });
});
