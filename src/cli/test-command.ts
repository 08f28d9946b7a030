import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CoverageRecorder, formatCoverage } from '../testing/coverage.ts';
import { runTranscript, TranscriptFlowMissingError } from '../testing/transcript-runner.ts';

export interface TestCommandOptions {
  /** Flow for transcripts without a `flow:` line. */
  flow?: string;
  coverage?: boolean;
}

async function transcriptFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${path}: no such file or folder`);
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await transcriptFiles(child)));
    else if (entry.name.endsWith('.transcript')) found.push(child);
  }
  return found;
}

/**
 * `chartbot test [paths…]`: plays every `.transcript` file (default: under `test/`) and prints PASS
 * or FAIL with the conversation diff; `--coverage` adds the states and transitions never exercised.
 * Returns the exit code: 0 all passed, 1 a transcript failed, 2 nothing to run.
 */
export async function testCommand(paths: string[], options: TestCommandOptions, write: (text: string) => void): Promise<number> {
  let files: string[];
  try {
    files = (await Promise.all((paths.length ? paths : ['test']).map(transcriptFiles))).flat();
  } catch (error) {
    write(`chartbot test: ${(error as Error).message}\n`);
    return 2;
  }
  if (files.length === 0) {
    write(`chartbot test: no .transcript files in ${paths.join(', ') || 'test'}\n`);
    return 2;
  }
  const coverage = new CoverageRecorder();
  let failed = 0;
  for (const file of files) {
    const name = relative(process.cwd(), file) || file;
    try {
      const result = await runTranscript(file, { coverage, ...(options.flow ? { flow: options.flow } : {}) });
      if (result.passed) {
        write(`PASS ${name}\n`);
        continue;
      }
      failed++;
      write(`FAIL ${name} (- expected, + actual)\n${result.diff}\n`);
    } catch (error) {
      failed++;
      const message =
        error instanceof TranscriptFlowMissingError
          ? `no flow: add a "flow: <path to the flow file>" line at the top of the transcript, or run it with --flow <file>`
          : (error as Error).message;
      write(`FAIL ${name}\n  ${message}\n`);
    }
  }
  write(`\n${files.length - failed} passed, ${failed} failed\n`);
  if (options.coverage) write(`\nCoverage\n${formatCoverage(coverage.report())}`);
  return failed ? 1 : 0;
}
