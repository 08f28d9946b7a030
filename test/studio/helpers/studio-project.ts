import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: test projects live inside it, so their flows resolve `chartbot` and `xstate`. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * A project folder as a developer has it (`flows/…`), under the repository (git-ignored
 * `.chartbot-*`), with the given fixture flows copied in under new names.
 */
export async function createProject(flows: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(ROOT, '.chartbot-studio-test-'));
  await mkdir(join(dir, 'flows'));
  for (const [name, fixture] of Object.entries(flows)) await copyFile(join(FIXTURES, fixture), join(dir, 'flows', name));
  return dir;
}

export async function removeProject(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export interface StudioProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `chartbot dev --port 0` in `dir`, as a developer starts it; resolves once it printed its address (15 s at most). */
export async function startStudio(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<StudioProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/chartbot.js'), 'dev', '--port', '0', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  while (!url) {
    url = /chartbot studio: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1];
    if (url) break;
    if (child.exitCode !== null) throw new Error(`chartbot dev exited (${child.exitCode}):\n${text}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`chartbot dev did not start within 15 s:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    url,
    child,
    output: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
