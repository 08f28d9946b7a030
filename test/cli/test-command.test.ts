import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

const temp = tempDirForFile('chartbot-cli-test-');

describe('chartbot test', () => {
  it('plays the example transcripts, exits 0 and reports coverage with the states and transitions never exercised', async () => {
    const run = await runCli(['test', 'test/transcripts', '--coverage']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS test/transcripts/support-faq.transcript\n');
    expect(run.stdout).toContain('\n5 passed, 0 failed\n');
    expect(run.stdout).toMatch(/Coverage\nflow support: states 11\/11 \(100%\), transitions 17\/29 \(58%\)\n {2}never taken:\n/);
    expect(run.stdout).toContain('    faq --after idle (10m)--> reminder\n');
  });

  it('a failing transcript prints the conversation diff and exits 1', async () => {
    const file = join(temp.path(), 'wrong.transcript');
    await writeFile(file, 'name: Ida\n\nuser: hi\nbot: Good morning Ida\n');
    const run = await runCli(['test', file, '--flow', resolve('flows/support.ts')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      ['(- expected, + actual)', '  user: hi', '- bot: Good morning Ida', '+ bot: Hi Ida! How can we help you today?', '+   [FAQ] [Open a ticket] [Talk to a person]'].join('\n'),
    );
    expect(run.stdout).toContain('0 passed, 1 failed');
  });

  it('a transcript without a flow line: the message names the --flow option', async () => {
    const file = join(temp.path(), 'noflow.transcript');
    await writeFile(file, 'user: hi\n');
    const run = await runCli(['test', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('no flow: add a "flow: <path to the flow file>" line at the top of the transcript, or run it with --flow <file>\n');
    expect(run.stdout).not.toContain('{ flow }');
  });

  it('exits 2 when there is nothing to run', async () => {
    await mkdir(join(temp.path(), 'empty'));
    const empty = await runCli(['test', join(temp.path(), 'empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe(`chartbot test: no .transcript files in ${join(temp.path(), 'empty')}\n`);
    const missing = await runCli(['test', join(temp.path(), 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe(`chartbot test: ${join(temp.path(), 'missing')}: no such file or folder\n`);
  });
});
