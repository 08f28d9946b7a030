/**
 * The bot under measurement: a real `chartbot start` process configured from the environment,
 * exactly as a user runs it, with its provider pointed at the mock provider on loopback.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { BENCH_SECRET } from './contacts.ts';
import { memoryOf } from './proc-stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BotProcess {
  url: string;
  pid: number;
  /** Resident set size now, and its peak, in bytes (from /proc). */
  memory(): { rss: number; peakRss: number };
  /** SIGTERM (the graceful stop: in-flight work finished, state flushed); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The address from chartbot's `chartbot listening on port N` log line. */
function listeningUrl(log: string): string | undefined {
  const port = /chartbot listening on port (\d+)/.exec(log)?.[1];
  return port === undefined ? undefined : `http://127.0.0.1:${port}`;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await request(`${url}/health`);
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** `BENCH_BOT_<NAME>=value` in the bench's environment sets `<NAME>` for the bot (to compare settings). */
function passThrough(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (name.startsWith('BENCH_BOT_') && value !== undefined) env[name.slice(10)] = value;
  return env;
}

export async function startBot(options: { mockUrl: string; dataDir: string; logFile: string; cpuProfileDir?: string; env?: Record<string, string> }): Promise<BotProcess> {
  const log = openSync(options.logFile, 'a');
  const profiling = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, 'bin/chartbot.js', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0', // an ephemeral port, read back from the start-up log line
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_TOKEN: 'bench-token',
      WHATSAPP_API_URL: options.mockUrl,
      WHATSAPP_APP_SECRET: BENCH_SECRET,
      CHARTBOT_DATA_DIR: options.dataDir,
      FLOWS_DIR: 'bench/flows',
      // The limiter would pace at WhatsApp's default 80 messages/s: the bench measures chartbot itself.
      CHARTBOT_THROUGHPUT_MPS: '10000',
      LOG_LEVEL: 'info',
      ...passThrough(),
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`chartbot exited early (${child.exitCode}); see ${options.logFile}`);
    url ??= listeningUrl(readFileSync(options.logFile, 'utf8'));
    if (url !== undefined && (await isHealthy(url))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`chartbot did not become healthy within 30 s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    memory: () => memoryOf(pid),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
