import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';

/**
 * A flow file outside this repository, where nothing is installed next to it, still loads: its
 * `chartbot` import is the running chartbot, `xstate` comes from chartbot's dependencies, and it is
 * an ES module whatever its folder's package.json says. Each layout once broke in a different way.
 */
const temp = tempDirForFile('chartbot-flows-anywhere-');

const flowSource = (answer: string) => `import { setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

const machine = setup({ types: { events: {} as ChartbotEvent } }).createMachine({
  id: 'anywhere',
  on: { 'user.text': { actions: reply(({ event }) => \`${answer}: \${event.text}\`) } },
});

export default defineFlow({ name: 'anywhere', machine });
`;

const layouts: { name: string; packageJson?: string; file: string; source: string }[] = [
  { name: 'no package.json', file: 'flow.ts', source: flowSource('no package') },
  { name: '{"type":"module"} package.json', packageJson: '{"type":"module"}', file: 'flow.ts', source: flowSource('module') },
  { name: '{"type":"commonjs"} package.json', packageJson: '{"type":"commonjs"}', file: 'flow.ts', source: flowSource('commonjs') },
  { name: 'a .js flow, no package.json', file: 'flow.js', source: flowSource('plain js').replace(', type ChartbotEvent', '').replace('{ types: { events: {} as ChartbotEvent } }', '{}') },
];

describe('flow files outside the repository', () => {
  for (const layout of layouts) {
    it(`load and answer: ${layout.name}`, async () => {
      const dir = join(temp.path(), layout.name.replace(/\W+/g, '-'));
      await mkdir(dir, { recursive: true });
      if (layout.packageJson) await writeFile(join(dir, 'package.json'), layout.packageJson);
      await writeFile(join(dir, layout.file), layout.source);
      const run = await runCli(['chat', join(dir, layout.file), '--no-persist'], 'hello\n');
      expect(run.stderr).toBe('');
      const answer = layout.source.match(/`(.+?): /)![1];
      expect(run.stdout).toContain(`bot: ${answer}: hello`);
    });
  }
});
