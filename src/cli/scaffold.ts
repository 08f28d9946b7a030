import { readFile } from 'node:fs/promises';
import { CONFIG_VARIABLES } from '../config-variables.ts';

/** What a scaffolded project depends on, read from this package's own package.json. */
export interface ChartbotPackage {
  version: string;
  repository: string;
  devDependencies: Record<string, string>;
  engines: Record<string, string>;
}

/** chartbot's package.json: two folders up from src/cli/ (or dist/cli/ when installed). */
export async function readChartbotPackage(): Promise<ChartbotPackage> {
  const json = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
    repository?: { url?: string };
    devDependencies?: Record<string, string>;
    engines?: Record<string, string>;
  };
  const repository = (json.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  return { version: json.version, repository, devDependencies: json.devDependencies ?? {}, engines: json.engines ?? {} };
}

/** The template files, copied as they are (except the placeholders of README.md). */
const TEMPLATE_FILES = ['flows/support.ts', 'test/support.test.ts', 'test/support.transcript', 'test/transcripts.test.ts', 'tsconfig.json', 'README.md'];

/**
 * Every file of a new bot project, by path relative to its folder. The template lives in
 * templates/init (type-checked and tested with this repository); package.json and .env.example
 * are generated, the latter from the configuration schema so that it lists every variable.
 */
export async function scaffoldFiles(name: string, chartbot: ChartbotPackage): Promise<Map<string, string>> {
  const template = new URL('../../templates/init/', import.meta.url);
  const files = new Map<string, string>();
  for (const path of TEMPLATE_FILES) {
    const text = await readFile(new URL(path, template), 'utf8');
    files.set(path, path === 'README.md' ? text.replaceAll('__NAME__', name).replaceAll('__REPOSITORY__', chartbot.repository) : text);
  }
  // npm leaves files named .gitignore out of packages, so the template's is stored without the dot.
  files.set('.gitignore', await readFile(new URL('gitignore', template), 'utf8'));
  files.set('package.json', packageJson(name, chartbot));
  files.set('.env.example', envExample());
  return files;
}

function packageJson(name: string, chartbot: ChartbotPackage): string {
  const dev = (pkg: string) => chartbot.devDependencies[pkg] ?? 'latest';
  const json = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'chartbot start --env .env',
      test: 'tsc && vitest run',
      chat: 'chartbot chat',
      graph: 'chartbot graph flows/support.ts',
    },
    dependencies: { chartbot: `^${chartbot.version}` },
    devDependencies: { '@types/node': dev('@types/node'), typescript: dev('typescript'), vitest: dev('vitest') },
    engines: chartbot.engines,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Every variable `chartbot start` reads, commented out, with its meaning and default. */
export function envExample(): string {
  const lines = [
    '# Settings of `chartbot start`. Copy this file to .env (git ignores it) and set what you need:',
    '# `npm start` reads .env; variables set in the real environment win.',
    '',
  ];
  for (const variable of CONFIG_VARIABLES) {
    lines.push(`# ${variable.description}${variable.default ? ` (default: ${variable.default})` : ''}`);
    lines.push(`# ${variable.name}=`, '');
  }
  return lines.join('\n');
}
