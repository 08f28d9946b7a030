import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The README's "What it is built on" table says why each dependency is there. It must name every
 * package in package.json, so a dependency added without a reason fails here.
 */
function namedInTable(readme: string): string[] {
  const section = readme.split('## What it is built on')[1]?.split('\n## ')[0] ?? '';
  const names: string[] = [];
  for (const line of section.split('\n').filter((row) => row.startsWith('| `'))) {
    const firstColumn = line.split(' | ')[0]!;
    let scope = '';
    for (const [, token] of firstColumn.matchAll(/`([^`]+)`/g)) {
      // `…/resources` continues the scope of the package before it (`@opentelemetry/…`).
      const name = token!.startsWith('…/') ? `${scope}/${token!.slice(2)}` : token!;
      if (name.includes('/')) scope = name.slice(0, name.indexOf('/'));
      names.push(name);
    }
  }
  return names;
}

function covers(names: string[], dependency: string): boolean {
  return names.some((name) => (name.endsWith('*') ? dependency.startsWith(name.slice(0, -1)) : name === dependency));
}

describe("README's dependency table", () => {
  it('gives a reason for every dependency and dev dependency in package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const names = namedInTable(readFileSync('README.md', 'utf8'));
    expect(names.length).toBeGreaterThan(10);
    const all = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(all.filter((dependency) => !covers(names, dependency))).toEqual([]);
  });

  it('names no package that is not a dependency', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const all = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    const names = namedInTable(readFileSync('README.md', 'utf8'));
    expect(names.filter((name) => !all.some((dependency) => covers([name], dependency)))).toEqual([]);
  });
});
