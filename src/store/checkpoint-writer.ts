import { Worker } from 'node:worker_threads';
import { AtomicJsonFile } from './atomic-json-file.ts';
import { makeDurable } from './make-durable.ts';

/** One contact file a checkpoint rewrites. */
export interface FileWrite {
  file: string;
  json: string;
}

/**
 * Rewrites contact files for the journal's checkpoints, in place and without fsync (the journal
 * keeps every record until its file is durable, so a torn write is repaired at open).
 */
export interface CheckpointWriter {
  /** Writes the files in order; rejects with the first failure (files before it are written). */
  write(batch: readonly FileWrite[]): Promise<void>;
  /** Makes the written files durable (`makeDurable`: one syncfs on Linux, else an fsync per file). */
  makeDurable(files: readonly string[], dir: string): Promise<void>;
  close(): Promise<void>;
}

/** Writes on the calling thread: about 40 µs of blocking per file here, fine for a few files. */
export const inlineCheckpointWriter: CheckpointWriter = {
  async write(batch) {
    for (const { file, json } of batch) new AtomicJsonFile(file).writeInPlace(json);
  },
  makeDurable,
  async close() {},
};

/**
 * The worker: the same in-place write as `AtomicJsonFile.writeInPlace` (write at offset 0, cut to
 * length), and the same `sync -f` as `makeDurable` (on the worker, the process it starts blocks
 * nothing else). CommonJS source evaluated in the worker, so it needs no TypeScript loader there.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
parentPort.on('message', ({ id, batch, syncfs }) => {
  try {
    if (syncfs !== undefined) execFileSync('sync', ['-f', syncfs], { stdio: 'ignore' });
    for (const { file, json } of batch ?? []) {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
      try {
        const bytes = Buffer.from(json);
        let written = 0;
        while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written, written);
        fs.ftruncateSync(fd, bytes.length);
      } finally {
        fs.closeSync(fd);
      }
    }
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

/**
 * Writes on a worker thread. A checkpoint rewrites up to thousands of files (1,250 by default), about
 * 40 µs of kernel time each: on the main thread that was 5% of the bot's CPU, in bursts between
 * messages that showed in the p99 latency at half load (docs/performance.md). The worker starts on the
 * first batch and does not keep the process alive while idle.
 */
export function threadedCheckpointWriter(): CheckpointWriter {
  let worker: Worker | undefined;
  let closed = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  const failAll = (error: Error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  const start = (): Worker => {
    // Its heap only ever holds one batch (256 records): small limits keep the thread's memory small.
    const started = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 } });
    started.unref();
    started.on('message', ({ id, error }: { id: number; error?: { message: string; code?: string } }) => {
      const call = waiting.get(id);
      if (!call) return;
      waiting.delete(id);
      if (waiting.size === 0) started.unref();
      if (!error) return call.resolve();
      call.reject(Object.assign(new Error(`checkpoint write failed: ${error.message}`), error.code === undefined ? {} : { code: error.code }));
    });
    // A thread that died fails the batches it held (the journal keeps them); the next batch starts a new one.
    const died = (error: Error) => {
      if (worker === started) worker = undefined;
      failAll(error);
    };
    started.on('error', (error) => died(new Error(`checkpoint writer thread failed: ${error.message}`, { cause: error })));
    started.on('exit', (code) => {
      if (!closed) died(new Error(`checkpoint writer thread exited (code ${code})`));
    });
    return started;
  };
  const call = (message: { batch: readonly FileWrite[] } | { syncfs: string }): Promise<void> => {
    if (closed) return Promise.reject(new Error('checkpoint writer is closed'));
    const thread = (worker ??= start());
    const id = ++nextId;
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      thread.ref(); // a checkpoint in progress keeps the process alive until its files are durable
      thread.postMessage({ id, ...message });
    });
  };
  return {
    write: (batch) => call({ batch }),
    async makeDurable(files, dir) {
      if (process.platform !== 'linux') return makeDurable(files, dir);
      // Starting a process from the bot's main thread blocked it 2 to 5 ms (a 380 MB process, measured).
      await call({ syncfs: dir }).catch((error: unknown) => {
        if (closed) throw error;
        return makeDurable(files, dir); // on the main thread, where it falls back to an fsync per file if need be
      });
    },
    async close() {
      closed = true;
      failAll(new Error('checkpoint writer is closed')); // nothing should be waiting: the journal closes it last
      await worker?.terminate();
      worker = undefined;
    },
  };
}
