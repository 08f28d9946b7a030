import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.ts';
import { CONFIG_VARIABLES } from '../../src/config-variables.ts';
import { docPage } from './doc-pages.ts';

describe('docs/configuration.md', () => {
  it('lists exactly the variables chartbot start reads', () => {
    const table = docPage('docs/configuration.md').split('## Environment variables')[1]!.split('\n## ')[0]!;
    const documented = [...table.matchAll(/^\| ((?:`[A-Z0-9_]+`(?:, )?)+) \|/gm)].flatMap(([, names]) => names!.match(/[A-Z0-9_]+/g)!);
    expect(documented.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('has a meaning for every variable the configuration reads (what .env.example and --help list)', () => {
    expect(CONFIG_VARIABLES.map((v) => v.name).sort()).toEqual(Object.keys(configSchema.shape).sort());
    for (const variable of CONFIG_VARIABLES) expect(variable.description.length, variable.name).toBeGreaterThan(10);
  });
});
