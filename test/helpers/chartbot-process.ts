import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface ChartbotProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
  /** SIGKILL if still running, and wait for the exit. */
  kill(): Promise<void>;
}

/** `chartbot start` as a real process with exactly this environment (plus PATH). */
export function spawnChartbot(env: Record<string, string>): ChartbotProcess {
  const child = spawn(process.execPath, ['bin/chartbot.js', 'start'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** A loopback port that was free a moment ago. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `GET /health` answers 200; fails early if the process exits, after 15 s otherwise. */
export async function untilHealthy(url: string, bot: ChartbotProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (bot.child.exitCode !== null) throw new Error(`chartbot exited early (${bot.child.exitCode}):\n${bot.output()}`);
    const healthy = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`chartbot did not become healthy:\n${bot.output()}`);
}
