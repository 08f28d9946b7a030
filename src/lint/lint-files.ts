import { stat } from 'node:fs/promises';
import { basename, extname, relative, resolve, sep } from 'node:path';
import type { Flow } from '../conversation/define-flow.ts';
import { flowFilesIn, loadFlowFile } from '../conversation/load-flows.ts';
import { collectLimitErrors } from '../messages/limit-deferral.ts';
import type { LintFinding } from './finding.ts';
import { lintMachine } from './lint-machine.ts';

/** One flow file as lint saw it: the flow when it loaded, and what was found. */
export interface LintedFile {
  file: string;
  flow?: Flow;
  findings: LintFinding[];
}

/** How a path is shown: relative to the working folder, with forward slashes. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const shown = relative(cwd, resolve(path)) || path;
  return shown.split(sep).join('/');
}

/**
 * Loads one flow file for lint (the builders defer their limit errors meanwhile, so that a broken
 * literal is reported on its state) and lints its machine. A file that does not load is one
 * `load-error` finding carrying the loader's message.
 */
export async function lintFlowFile(file: string, cwd = process.cwd()): Promise<LintedFile> {
  const shown = displayPath(file, cwd);
  const fail = (message: string): LintedFile => ({
    file: shown,
    findings: [{ file: shown, flow: basename(file, extname(file)), state: '', rule: 'load-error', severity: 'error', message }],
  });
  if (!(await stat(file).catch(() => undefined))?.isFile()) return fail(`${file}: no such flow file`);
  try {
    const { value: flow, errors } = await collectLimitErrors(() => loadFlowFile(file));
    const findings = lintMachine(flow.machine, { deferredLimitErrors: errors }).map((finding) => ({ file: shown, flow: flow.name, ...finding }));
    return { file: shown, flow, findings };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The flow files behind the paths given on the command line (folders: every flow file in them);
 * no path: `FLOWS_DIR`, else `./flows`. A path that does not exist is kept, so it is reported.
 */
export async function flowFilesAt(paths: readonly string[], env: Record<string, string | undefined> = process.env): Promise<string[]> {
  const targets = paths.length ? paths : [env.FLOWS_DIR ?? './flows'];
  const files: string[] = [];
  for (const target of targets) {
    const info = await stat(target).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await flowFilesIn(target)));
    else files.push(target);
  }
  return files;
}

/** Lints flow files one after the other (loads must not overlap: see `collectLimitErrors`). */
export async function lintFlowFiles(paths: readonly string[], env: Record<string, string | undefined> = process.env): Promise<LintedFile[]> {
  const results: LintedFile[] = [];
  for (const file of await flowFilesAt(paths, env)) results.push(await lintFlowFile(file));
  return results;
}
