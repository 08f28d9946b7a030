import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-chat-');
const root = fileURLToPath(new URL('../..', import.meta.url));
const PIZZA = fileURLToPath(new URL('../fixtures/own-flow/pizza.ts', import.meta.url));
const KITCHEN = fileURLToPath(new URL('../testing/fixtures/kitchen-flow.ts', import.meta.url));

describe('chartbot chat with piped stdin', () => {
  it('numbers buttons and rows, picks by number, runs commands and survives mistakes', async () => {
    const input = ['hi', '1', '2', '/state', '9', '/tap Refund', '/order 2 x mug @ 12.5 EUR', '/wait 10m', '/context', '/frobnicate', '/quit', 'never read'].join('\n');
    const run = await runCli(['chat', 'flows/support.ts', '--no-persist', '--name', 'Ada'], input);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'chartbot chat: support (new conversation); /help lists commands',
        'you> hi',
        'bot: Hi Ada! How can we help you today?',
        '  1) FAQ  2) Open a ticket  3) Talk to a person',
        'you> 1',
        'bot: Here are the questions we get most often.',
        '  list [See questions]:',
        '    1) Opening hours',
        '    2) Shipping times',
        '    3) Returns',
        'you> 2',
        'bot: Orders ship within 2 working days; delivery takes 3-5 days.',
        'bot: Hi Ada! How can we help you today?',
        '  1) FAQ  2) Open a ticket  3) Talk to a person',
        'you> /state',
        'state: menu',
        'you> 9',
        '! choose 1-3 (or type a message)',
        'you> /tap Refund',
        '! cannot tap "Refund": the bot\'s last interactive message offered the buttons: [FAQ] (id faq), [Open a ticket] (id ticket), [Talk to a person] (id human)',
        '!   bot: Hi Ada! How can we help you today?',
        '!     [FAQ] [Open a ticket] [Talk to a person]',
        'you> /order 2 x mug @ 12.5 EUR',
        "bot: Thanks for your order! 2 items, total 25.00 EUR. We'll send you a confirmation when it ships.",
        'you> /wait 10m',
        '(10m later)',
        'bot: Are you still there, Ada? Reply anything to continue.',
        'you> /context',
        '{',
        '  "name": "Ada",',
        '  "tickets": 0',
        '}',
        'you> /frobnicate',
        '! unknown command /frobnicate: /help lists commands',
        'you> /quit',
        '',
      ].join('\n'),
    );
  });

  it('keeps the conversation between runs, and /reset and --no-persist start over', async () => {
    const data = join(temp.path(), 'state');
    const first = await runCli(['chat', 'flows/support.ts', '--data', data], 'hi\n/tap ticket\n');
    expect(first.stdout).toContain('form [Open the form]');
    const second = await runCli(['chat', 'flows/support.ts', '--data', data], '/flow {"subject":"Lamp"}\n/state\n/reset\n/state\n');
    expect(second.stdout).toContain(
      "chartbot chat: support (continuing in state ticket); /help lists commands\n(the bot's last message)\nbot: Tell us what happened",
    );
    expect(second.stdout).toContain('bot: Ticket T-1 is open: "Lamp". We will reply here within one working day.');
    expect(second.stdout).toContain('you> /state\nstate: menu\n');
    expect(second.stdout).toContain('(conversation reset: the next message starts over)\nyou> /state\nstate: (not started)\n');
    // Time jumped with /wait stays jumped: the reminder armed before the restart fires 10 minutes later.
    const third = await runCli(['chat', 'flows/support.ts', '--data', data], 'hi\n/wait 5m\n');
    const fourth = await runCli(['chat', 'flows/support.ts', '--data', data], '/wait 4m\n/wait 1m\n');
    expect(third.stdout).not.toContain('Are you still there');
    expect(fourth.stdout).toContain('you> /wait 4m\n(4m later)\nyou> /wait 1m\n(1m later)\nbot: Are you still there, Tester?');
    const memoryOnly = await runCli(['chat', 'flows/support.ts', '--data', data, '--no-persist'], '/state\n');
    expect(memoryOnly.stdout).toContain('(new conversation)');
  });
});

/** A folder inside the project (gitignored), so that a flow written there resolves `chartbot` and `xstate` as flows/ does. */
async function projectTempDir(): Promise<string> {
  await mkdir(join(root, '.chartbot'), { recursive: true });
  return mkdtemp(join(root, '.chartbot', 'test-flows-'));
}

describe('chartbot chat tells what happened to the conversation', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it('after a flow change it starts the saved conversation over with a notice, as the server does (no crash)', async () => {
    const dir = await projectTempDir();
    made.push(dir);
    const flow = join(dir, 'pizza.ts');
    const data = join(dir, 'chat');
    await writeFile(flow, await readFile(PIZZA, 'utf8'));
    const first = await runCli(['chat', flow, '--data', data], 'hi\n');
    expect(first.stdout).toContain('bot: Which size?\n  1) Small  2) Large');
    // The state the conversation is saved in is renamed.
    await writeFile(flow, (await readFile(PIZZA, 'utf8')).replaceAll('choosingSize', 'pickingSize'));
    const second = await runCli(['chat', flow, '--data', data], '2\n/state\n');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      [
        'chartbot chat: pizza (saved state "choosingSize" no longer exists in the flow: your next message starts the conversation over); /help lists commands',
        "(the bot's last message)",
        'bot: Which size?',
        '  1) Small  2) Large',
        'you> 2',
        '(the flow changed since this conversation was saved (state "choosingSize" no longer exists): the conversation started over)',
        '(no transition for user.button in state "idle": the bot did nothing with it)',
        'you> /state',
        'state: idle',
        '',
      ].join('\n'),
    );
  });

  it('a flow that fails prints flow, state, event, cause and where in the flow, and the chat goes on', async () => {
    const run = await runCli(['chat', KITCHEN, '--no-persist'], 'hello\nfire\nhello\n');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'chartbot chat: kitchen (new conversation); /help lists commands',
      'you> hello',
      'bot: Order taken.',
      'you> fire',
      '! flow "kitchen" failed in state "ordering" on user.text: Error: the oven is on fire',
    ]);
    expect(lines[5]).toMatch(/^! {3}at .*kitchen-flow\.ts:\d+:\d+/);
    expect(lines.slice(6)).toEqual(['! (the conversation stays in state "ordering"; fix the flow and try again)', 'you> hello', 'bot: Order taken.', '']);
  });

  it('a message no transition takes is said so', async () => {
    const run = await runCli(['chat', PIZZA, '--no-persist'], 'hi\nhello\n');
    expect(run.stdout).toContain('you> hello\n(no transition for user.text in state "choosingSize": the bot did nothing with it)\n');
  });
});

describe('chartbot chat in a real terminal (a pseudo-terminal)', () => {
  it('shows the prompt and echoes what is typed', async () => {
    // util-linux `script` runs the command on a pseudo-terminal: stdin.isTTY is true, as in a terminal.
    const child = spawn('script', ['-qfec', `${process.execPath} bin/chartbot.js chat flows/support.ts --no-persist --name Ada`, '/dev/null'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = once(child, 'exit');
    const shows = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!screen.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(screen).toContain(text);
    };
    try {
      await shows('/help lists commands\r\nyou> ');
      child.stdin.write('hi\r');
      await shows('Talk to a person');
      child.stdin.write('/quit\r');
      const [code] = await exited;
      expect(code).toBe(0);
      const text = screen.replaceAll('\r', '');
      expect(text).toContain('you> hi\nbot: Hi Ada! How can we help you today?\n  1) FAQ  2) Open a ticket  3) Talk to a person\nyou> /quit\n');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
