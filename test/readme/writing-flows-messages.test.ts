import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { defineFlow } from '../../src/conversation/define-flow.ts';
import { createFlowRegistry } from '../../src/conversation/flow-registry.ts';
import { loadFlows, toFlow } from '../../src/conversation/load-flows.ts';
import { docPage } from './doc-pages.ts';

/** docs/writing-flows.md quotes two error messages; they must be what chartbot prints. */
const page = docPage('docs/writing-flows.md');
const quoted = (start: string) => [...page.matchAll(/```text\n([\s\S]*?)```/g)].map(([, body]) => body!.trimEnd()).find((body) => body.startsWith(start));
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('docs/writing-flows.md quotes the real messages', () => {
  it('two flows for every number', () => {
    const machine = createMachine({ id: 'm' });
    const at = (name: string) => toFlow(defineFlow({ machine, name }), join(process.cwd(), 'flows', `${name}.ts`));
    expect(quoted('chartbot: several flows')).toBe(`chartbot: ${message(() => createFlowRegistry([at('pizza'), at('support')]))}`);
  });

  it('a helper module in flows/', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chartbot-doc-flows-'));
    try {
      await writeFile(join(dir, 'prices.ts'), 'export const prices = { large: 12 };\n');
      const error = await loadFlows(dir).catch((e: unknown) => e as Error);
      const doc = quoted('chartbot: /app/flows/prices.ts');
      expect(doc).toBe(`chartbot: ${(error as Error).message.replace(join(dir, 'prices.ts'), '/app/flows/prices.ts')}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
