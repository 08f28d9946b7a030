import { mkdir, readdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.ts';
import { tempDirForFile } from '../helpers/temp-dir.ts';
import { runCli } from './run-cli.ts';

/** `chartbot init` as a user runs it (bin/chartbot.js). The packed-package test runs a project it made. */
const temp = tempDirForFile('chartbot-init-');
const version = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;

const SCAFFOLD = ['.env.example', '.gitignore', 'README.md', 'flows', 'package.json', 'test', 'tsconfig.json'];

/** What a failed init must print: one line on stderr naming the problem, nothing on stdout. */
function expectOneLineError(run: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^chartbot init: [^\n]+\n$/);
  expect(run.stderr).toMatch(pattern);
}

describe('chartbot init', () => {
  it('creates a project in a new folder: package.json on this chartbot, a flow, its tests, every setting', async () => {
    const dir = join(temp.path(), 'support-bot');
    const run = await runCli(['init', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('npm install');
    expect((await readdir(dir)).sort()).toEqual(SCAFFOLD);
    expect((await readdir(join(dir, 'flows'))).sort()).toEqual(['support.ts']);
    expect((await readdir(join(dir, 'test'))).sort()).toEqual(['support.test.ts', 'support.transcript', 'transcripts.test.ts']);

    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.name).toBe('support-bot');
    expect(pkg.dependencies).toEqual({ chartbot: `^${version}` });
    expect(Object.keys(pkg.devDependencies!).sort()).toEqual(['@types/node', 'typescript', 'vitest']);
    expect(pkg.scripts).toMatchObject({ start: 'chartbot start --env .env', test: 'tsc && vitest run' });

    const env = await readFile(join(dir, '.env.example'), 'utf8');
    const listed = [...env.matchAll(/^# ([A-Z0-9_]+)=$/gm)].map(([, name]) => name).sort();
    expect(listed).toEqual(Object.keys(configSchema.shape).sort());
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toContain('.env\n');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toMatch(/^# support-bot\n/);
    expect(await readFile(join(dir, 'flows/support.ts'), 'utf8')).toBe(await readFile('templates/init/flows/support.ts', 'utf8'));
  });

  it('uses an empty existing folder, and --name for the package name', async () => {
    const dir = join(temp.path(), 'Empty Folder');
    await mkdir(dir);
    const run = await runCli(['init', dir, '--name', 'shop-bot']);
    expect(run.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(SCAFFOLD);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'shop-bot' });
  });

  it('refuses a folder that is not empty (an existing project) and changes nothing; --force adds the files', async () => {
    const dir = join(temp.path(), 'existing');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"name":"mine"}');
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    expectOneLineError(await runCli(['init', dir]), /existing is not empty \(notes\.txt, package\.json\): .*--force/);
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'package.json']);
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');

    const forced = await runCli(['init', dir, '--force']);
    expect(forced.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([...SCAFFOLD, 'notes.txt'].sort());
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'existing', dependencies: { chartbot: `^${version}` } });
  });

  it('refuses an invalid package name, writing nothing', async () => {
    const parent = join(temp.path(), 'names');
    await mkdir(parent);
    expectOneLineError(await runCli(['init', join(parent, 'My Bot')]), /"My Bot" is not a valid package name \(.*capital letters.*\): .*--name my-bot/);
    expectOneLineError(await runCli(['init', join(parent, 'ok'), '--name', '_private']), /"_private" is not a valid package name/);
    expect(await readdir(parent)).toEqual([]);
  });

  it('says so when it may not write, and leaves nothing behind', async () => {
    // As root, permission bits do not stop a write; the kernel refuses new folders in /sys to anyone.
    const asRoot = process.getuid?.() === 0;
    const parent = asRoot ? '/sys' : join(temp.path(), 'locked');
    if (!asRoot) {
      await mkdir(parent);
      await chmod(parent, 0o555);
    }
    const before = await readdir(parent);
    expectOneLineError(await runCli(['init', join(parent, 'bot')]), new RegExp(`cannot write in ${parent}: permission denied`));
    expect(await readdir(parent)).toEqual(before);
    if (!asRoot) await chmod(parent, 0o755);
  });

  it('refuses a path that is a file, or whose parent folder does not exist', async () => {
    const file = join(temp.path(), 'a-file');
    await writeFile(file, '');
    expectOneLineError(await runCli(['init', file]), /a-file is a file, not a folder/);
    expectOneLineError(await runCli(['init', join(temp.path(), 'missing', 'bot')]), /missing is not a folder: create it first/);
  });
});
