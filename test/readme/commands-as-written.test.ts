import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { docPages } from './doc-pages.ts';

/** Runs a command line in the repository; resolves with exit code and output (bounded). */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in 30 s:\n${output}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the commands the guide shows work as written', () => {
  it('the chartbot commands a user types are shown as npx chartbot … (a bare chartbot is not on the PATH)', () => {
    const bare: string[] = [];
    for (const page of docPages()) {
      let fence: string | undefined; // the language of the fenced block we are in
      page.text.split('\n').forEach((line, i) => {
        const opening = /^```(\w*)/.exec(line);
        if (opening) {
          fence = fence === undefined ? opening[1] || 'plain' : undefined;
          return;
        }
        if (fence === 'text' || fence === 'mermaid' || fence === 'ts') return; // what programs print, and code
        // A code span or a command line that starts with the program name, without npx before it
        // (`chartbot chat: …` is the simulator's own output, not a command; `chartbot start` is
        // named as the program `npm start` runs).
        for (const match of line.matchAll(/(^|`|\$ |&& )(chartbot (test|chat|graph|lint|migrate|templates|flows)\b(?!:)[^`]*)/g)) {
          if (!line.slice(0, match.index + match[1]!.length).endsWith('npx ')) bare.push(`${page.path}:${i + 1}: ${match[2]}`);
        }
      });
    }
    expect(bare).toEqual([]);
  });

  it('npx chartbot test --coverage runs this project\'s own chartbot (nothing to install)', async () => {
    // --no: never fetch a package of that name from a registry; the local bin must be found.
    const result = await run('npx', ['--no', 'chartbot', 'test', 'test/transcripts', '--coverage']);
    expect(result.output).toMatch(/\d+ passed, 0 failed/);
    expect(result.output).toContain('Coverage\nflow support:');
    expect(result.code).toBe(0);
  });
});
