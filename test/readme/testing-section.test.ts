import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { docPage } from './doc-pages.ts';

/**
 * docs/testing.md shows files, command output and a chat session; each must be what the code really
 * does. (Every example block is also checked by readme-examples.test.ts.)
 */
const section = docPage('docs/testing.md');
const blocks = (marker: string) => [...section.matchAll(new RegExp(`<!-- ${marker}: (.+?) -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\`\`\``, 'g'))];

describe('docs/testing.md', () => {
  it('shows transcript files verbatim', async () => {
    const files = blocks('example').filter(([, , lang]) => lang !== 'ts');
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const [, path, , body] of files) expect(body, `docs/testing.md block for ${path}`).toBe(await readFile(path!, 'utf8'));
  });

  it('shows what `chartbot test --coverage` and `chartbot graph` print', async () => {
    const outputs = blocks('output');
    expect(outputs.map(([, command]) => command)).toEqual(['npx chartbot test test/transcripts --coverage', 'npx chartbot graph flows/support.ts']);
    for (const [, command, , body] of outputs) {
      const run = await runCli(command!.split(' ').slice(2));
      expect(run.stdout, command).toBe(body);
    }
  });

  it('shows a chat session that the simulator really prints for those inputs', async () => {
    const [session] = blocks('chat');
    const [, command, , body] = session ?? [];
    const input = body!.split('\n').filter((l) => l.startsWith('you> ')).map((l) => l.slice(5));
    expect(input.length).toBeGreaterThan(3);
    expect(command).toMatch(/^npx chartbot chat /);
    const run = await runCli(command!.split(' ').slice(2), input.join('\n') + '\n');
    expect(run.stdout).toBe(body);
  });
});
