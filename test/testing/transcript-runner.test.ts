import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectTranscript, parseTranscript, runTranscript, TranscriptMismatchError, TranscriptSyntaxError } from 'chartbot/testing';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-transcripts-');

const support = resolve('flows/support.ts');
async function transcriptFile(name: string, body: string): Promise<string> {
  const file = join(temp.path(), name);
  await writeFile(file, `flow: ${support}\nname: Anna\n\n${body}`);
  return file;
}

describe('transcript runner', () => {
  it('a wrong bot line fails with a diff of the whole conversation', async () => {
    const file = await transcriptFile(
      'wrong.transcript',
      ['user: hi', 'bot: Hello Anna!', '  [FAQ] [Open a ticket] [Talk to a person]', 'user taps: FAQ', 'bot: Here are the questions we get most often.', '  list [See questions]: Opening hours | Shipping times | Returns', ''].join('\n'),
    );
    const error = await expectTranscript(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptMismatchError);
    expect((error as Error).message).toBe(
      [
        `${file}: the conversation went differently (- expected, + actual):`,
        '  user: hi',
        '- bot: Hello Anna!',
        '+ bot: Hi Anna! How can we help you today?',
        '    [FAQ] [Open a ticket] [Talk to a person]',
        '  user taps: FAQ',
        '  bot: Here are the questions we get most often.',
        '    list [See questions]: Opening hours | Shipping times | Returns',
      ].join('\n'),
    );
  });

  it('a missing or an extra bot message shows as one line of the diff', async () => {
    const missing = await runTranscript(await transcriptFile('missing.transcript', 'user: hi\nuser taps: human\n'));
    expect(missing.passed).toBe(false);
    expect(missing.diff.split('\n').filter((l) => l.startsWith('+'))).toEqual([
      '+ bot: Hi Anna! How can we help you today?',
      '+   [FAQ] [Open a ticket] [Talk to a person]',
      '+ bot: A person from our team will answer you here shortly. Write "bot" to return to the menu.',
    ]);
    const extra = await runTranscript(await transcriptFile('extra.transcript', 'user: hi\nbot: Hi Anna! How can we help you today?\n  [FAQ] [Open a ticket] [Talk to a person]\nbot: And one more thing\n'));
    expect(extra.diff.split('\n').filter((l) => /^[-+]/.test(l))).toEqual(['- bot: And one more thing']);
  });

  it('tapping what the bot did not offer stops the run and says what was offered', async () => {
    const result = await runTranscript(await transcriptFile('tap.transcript', 'user: hi\nbot: Hi Anna! How can we help you today?\n  [FAQ] [Open a ticket] [Talk to a person]\nuser taps: Refund\nbot: never reached\n'));
    expect(result.passed).toBe(false);
    expect(result.diff).toContain('+ ! cannot tap "Refund": the bot\'s last interactive message offered the buttons: [FAQ] (id faq), [Open a ticket] (id ticket), [Talk to a person] (id human)');
    expect(result.diff).toContain('- bot: never reached');
  });

  it('state lines assert the state (a parent state matches) and show the actual state when wrong', async () => {
    const result = await runTranscript(await transcriptFile('state.transcript', 'user: hi\nbot: Hi Anna! How can we help you today?\n  [FAQ] [Open a ticket] [Talk to a person]\nstate: faq\n'));
    expect(result.diff.split('\n').filter((l) => /^[-+]/.test(l))).toEqual(['- state: faq', '+ state: menu']);
  });

  it('a transcript without a flow line needs the flow as an option', async () => {
    const file = join(temp.path(), 'noflow.transcript');
    await writeFile(file, 'user: hi\nbot: Hi there! How can we help you today?\n  [FAQ] [Open a ticket] [Talk to a person]\n');
    await expect(runTranscript(file)).rejects.toThrow('no flow: add a "flow: <path>" line at the top or pass { flow }');
    expect((await runTranscript(file, { flow: support })).passed).toBe(true);
  });
});

describe('list rows with descriptions', () => {
  const menu = resolve('test/testing/fixtures/menu-flow.ts');
  it('a transcript asserts each row\'s description, and a wrong one fails', async () => {
    const good = join(temp.path(), 'menu.transcript');
    await writeFile(good, `flow: ${menu}\n\nuser: hi\nbot: Which pizza?\n  list [Menu]: Margherita (tomato, mozzarella) | Diavola (spicy salami) | Bianca\nuser picks: Diavola\nbot: One Diavola.\n`);
    expect((await runTranscript(good)).passed).toBe(true);
    const wrong = join(temp.path(), 'menu-wrong.transcript');
    await writeFile(wrong, `flow: ${menu}\n\nuser: hi\nbot: Which pizza?\n  list [Menu]: Margherita (tomato, basil) | Diavola (spicy salami) | Bianca\n`);
    const result = await runTranscript(wrong);
    expect(result.diff.split('\n').filter((l) => /^[-+]/.test(l))).toEqual([
      '-   list [Menu]: Margherita (tomato, basil) | Diavola (spicy salami) | Bianca',
      '+   list [Menu]: Margherita (tomato, mozzarella) | Diavola (spicy salami) | Bianca',
    ]);
  });
});

describe('transcript format', () => {
  it('reads header, actions, waits, states, and bot blocks with continuation lines', () => {
    const t = parseTranscript('# c\nflow: f.ts\nname: Eve\nphone: 49\n\nuser sends document: a.pdf\nwait: 1h30m\nbot: x\n  [A]\nstate: menu\n');
    expect(t).toMatchObject({ flow: 'f.ts', name: 'Eve', phone: '49' });
    expect(t.steps).toMatchObject([
      { kind: 'user', verb: 'document', argument: 'a.pdf' },
      { kind: 'wait', ms: 5_400_000 },
      { kind: 'state', path: 'menu' },
    ]);
    expect(t.expected).toEqual(['user sends document: a.pdf', 'wait: 1h30m', 'bot: x', '  [A]', 'state: menu']);
  });

  it('rejects unknown lines with the file and line number', () => {
    expect(() => parseTranscript('user: hi\nuser jumps: high', 'x.transcript')).toThrow(TranscriptSyntaxError);
    expect(() => parseTranscript('user: hi\nuser jumps: high', 'x.transcript')).toThrow(/^x\.transcript:2: unknown user action "user jumps"/);
    expect(() => parseTranscript('wait: soon', 'x.transcript')).toThrow('x.transcript:1: cannot read duration "soon"');
    expect(() => parseTranscript('  [A]', 'x.transcript')).toThrow('x.transcript:1: an indented line must continue a "bot:" line');
    expect(() => parseTranscript('user: hi\nflow: late.ts', 'x.transcript')).toThrow('x.transcript:2: unknown line "flow:"');
  });
});
