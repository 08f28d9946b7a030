import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SUPPORT_FLOW_DIR } from './example-flow.ts';

/** The repository root, so the process can be started from any working directory. */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on loopback (there is a tiny race until the bot binds it; fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** A `chartbot start` child process, configured only from the environment, like `npm start`. */
export interface ChartbotProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILL if still running, and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `chartbot start` in `cwd`. In the repository (no `cwd`) its flows are the example support
 * flow alone unless `env` sets FLOWS_DIR: the repository's `flows/` is the user's, not the tests'.
 * Elsewhere (a copy of a project) it runs with that project's own defaults. `args` go after `start`.
 */
export function startChartbot(env: Record<string, string>, options: { cwd?: string; args?: string[] } = {}): ChartbotProcess {
  const flows = options.cwd === undefined ? { FLOWS_DIR: SUPPORT_FLOW_DIR } : {};
  const child = spawn(process.execPath, ['bin/chartbot.js', 'start', ...(options.args ?? [])], {
    cwd: options.cwd ?? root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...flows, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    output: () => text,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `GET /health` until it answers 200 (fails fast if the process exits, after 15 s at most). */
export async function waitForHealth(url: string, bot: ChartbotProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`chartbot exited early (${bot.child.exitCode}):\n${bot.output()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`chartbot did not become healthy:\n${bot.output()}`);
}
