import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import * as testing from 'chartbot/testing';

describe("the 'chartbot/testing' subpath export", () => {
  it('resolves in this repository’s tests', () => {
    expect(typeof testing.createTestBot).toBe('function');
    expect(typeof testing.expectTranscript).toBe('function');
  });

  it('resolves by package name from plain Node (package self-reference), sharing one runtime with flows', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/testing/fixtures/_author-script.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = await once(child, 'exit');
    clearTimeout(timer);
    expect(out).toBe(
      [
        'user: hi',
        'bot: Hi Kim! How can we help you today?',
        '  [FAQ] [Open a ticket] [Talk to a person]',
        'user taps: FAQ',
        'bot: Here are the questions we get most often.',
        '  list [See questions]: Opening hours | Shipping times | Returns',
        'same runtime module: true',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });
});
