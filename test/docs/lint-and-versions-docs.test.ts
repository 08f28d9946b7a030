import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestBot } from 'chartbot/testing';
import { runCli } from '../cli/run-cli.ts';

const PAGES = ['docs/lint.md', 'docs/versioned-flows.md'];

/** `<!-- example: path -->` blocks are that file verbatim; `<!-- output: chartbot … -->` blocks are what the command prints. */
describe('docs/lint.md and docs/versioned-flows.md', () => {
  it('show the example files verbatim', async () => {
    for (const page of PAGES) {
      const text = await readFile(page, 'utf8');
      const blocks = [...text.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
      expect(blocks.length, page).toBeGreaterThanOrEqual(1);
      for (const [, path, code] of blocks) expect(code, `${page}: block for ${path} differs from the file`).toBe(await readFile(path!, 'utf8'));
    }
  });

  it('docs/lint.md shows what chartbot lint prints for its example', async () => {
    const text = await readFile('docs/lint.md', 'utf8');
    const [, command, shown] = /<!-- output: chartbot (.+) -->\n```text\n([\s\S]*?)```/.exec(text) ?? [];
    expect(command).toBe('lint test/docs/examples/pizza-flow.ts');
    const run = await runCli(command!.split(' '));
    expect(run.stdout).toBe(shown);
    expect(run.code).toBe(1);
  });

  const dataDir = mkdtemp(join(tmpdir(), 'chartbot-docs-versions-'));
  afterAll(async () => rm(await dataDir, { recursive: true, force: true }));

  it('docs/versioned-flows.md: conversations of version 1 continue in version 2, and chartbot migrate --check says so first', async () => {
    const dir = await dataDir;
    const v1 = await createTestBot({ flow: 'test/docs/examples/orders-v1.ts', dataDir: dir });
    const ada = v1.contact('4915550001', { name: 'Ada' });
    const bo = v1.contact('4915550002', { name: 'Bo' });
    const cy = v1.contact('4915550003', { name: 'Cy' });
    await ada.send('A-1001');
    ada.expectReplies('Looking up order A-1001…');
    await bo.send('B-2002');
    await cy.send('C-3003');
    await cy.send('thanks');
    cy.expectReplies('Which order next?');
    await v1.close();

    const text = await readFile('docs/versioned-flows.md', 'utf8');
    const [, shown] = /<!-- output: chartbot migrate --check -->\n```text\n([\s\S]*?)```/.exec(text) ?? [];
    const check = await runCli(['migrate', '--check', '--flows', 'test/docs/examples/orders-v2.ts', '--data', dir]);
    expect(check.stdout.replace(dir, './data')).toBe(shown);
    expect(check.code).toBe(0);

    const v2 = await createTestBot({ flow: 'test/docs/examples/orders-v2.ts', dataDir: dir, startAt: Date.UTC(2025, 0, 6, 9, 5) });
    const ada2 = v2.contact('4915550001', { name: 'Ada' });
    const cy2 = v2.contact('4915550003', { name: 'Cy' });
    await v2.advance('30m'); // Ada's nudge was pending in `lookup`: it fires in `tracking`
    ada2.expectReplies('Order A-1001: still there? (en)');
    await ada2.send('next');
    ada2.expectReplies('Which order next?');
    await cy2.send('C-4004');
    cy2.expectReplies('Tracking order C-4004…');
    await v2.close();
  });
});
