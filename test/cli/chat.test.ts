import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-chat-');

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
