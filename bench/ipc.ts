import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A request to a helper process and its answer, matched by `id`. */
export interface IpcRequest {
  id: number;
  type: string;
  [field: string]: unknown;
}

export interface Helper {
  child: ChildProcess;
  /** Sends a request and resolves with the helper's answer (rejects after `timeoutMs`). */
  ask<T>(type: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

let nextId = 0;

/**
 * Forks one of the bench's helper scripts (loaded through tsx, in its own process so that its CPU
 * is not charged to the process being measured) and waits for its `ready` message.
 */
export async function forkHelper<Ready>(script: string, execArgv: string[] = [], args: string[] = []): Promise<{ helper: Helper; ready: Ready }> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`${script} exited with ${String(code)} before it was ready`))),
  ])) as [Ready];
  const helper: Helper = {
    child,
    ask<T>(type: string, fields: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
      const id = ++nextId;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new Error(`${script}: no answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (message: { id?: number }) => {
          if (message.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message as T);
        };
        child.on('message', onMessage);
        child.send({ id, type, ...fields } satisfies IpcRequest);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  return { helper, ready };
}

/** Inside a helper: answers the parent's requests with `handle`. */
export function serveRequests(handle: (request: IpcRequest) => Promise<Record<string, unknown>> | Record<string, unknown>): void {
  // The bench went away (crashed, or killed): so does its helper, never left running on its own.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: IpcRequest) => {
    void Promise.resolve(handle(request)).then((answer) => process.send?.({ ...answer, id: request.id }));
  });
}

/**
 * Inside a baseline server helper: serves `handler` on an ephemeral loopback port with long
 * keep-alive (the generator's connections stay open), exits on SIGTERM, and tells the parent its URL.
 */
export async function serveOnLoopback(handler: RequestListener): Promise<void> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
