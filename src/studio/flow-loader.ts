import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Flow } from '../conversation/define-flow.ts';
import { toFlow } from '../conversation/load-flows.ts';
import type { LoadErrorView } from './view-types.ts';

/** A flow file that failed to load, with where the problem is when the error says. */
export class FlowLoadError extends Error {
  override readonly name = 'FlowLoadError';
  constructor(readonly detail: LoadErrorView) {
    super(`${detail.file}${detail.line ? `:${detail.line}${detail.column ? `:${detail.column}` : ''}` : ''}: ${detail.message}`);
  }
}

let generation = 0;

/**
 * Imports a flow file afresh. ESM caches modules by URL, so each load adds a query
 * (`?studio=N`) that makes the loader (tsx) read and compile the file again; modules the flow
 * itself imports stay cached.
 */
export async function importFlowFresh(file: string): Promise<Flow> {
  const path = resolve(file);
  let module: { default?: unknown };
  try {
    module = (await import(`${pathToFileURL(path).href}?studio=${++generation}`)) as { default?: unknown };
  } catch (error) {
    throw new FlowLoadError(await locateError(path, error));
  }
  try {
    return toFlow(module.default, path);
  } catch (error) {
    throw new FlowLoadError({ file: path, message: (error as Error).message.replace(`${path}: `, '') });
  }
}

/**
 * Where a load error points in the flow file: esbuild's (tsx's) syntax errors read
 * `/path/flow.ts:4:19: ERROR: Unexpected ";"`; an error thrown while the module ran has the
 * file in its stack (`file:///path/flow.ts?studio=3:12:9`).
 */
export async function locateError(path: string, error: unknown): Promise<LoadErrorView> {
  const text = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const url = pathToFileURL(path).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const syntax = new RegExp(`${escaped}:(\\d+):(\\d+): ERROR: (.+)`).exec(text);
  const thrown = new RegExp(`(?:${url}|${escaped})(?:\\?[^:]*)?:(\\d+):(\\d+)`).exec(stack);
  const where = syntax ?? thrown;
  const message = syntax ? (syntax[3] as string) : (text.split('\n')[0] ?? text);
  const detail: LoadErrorView = { file: path, message };
  if (!where) return detail;
  detail.line = Number(where[1]);
  detail.column = Number(where[2]);
  detail.excerpt = await excerpt(path, detail.line);
  return detail;
}

/** Up to two lines before and after `line`, numbered, the line itself marked with `>`. */
async function excerpt(path: string, line: number): Promise<string[] | undefined> {
  const source = await readFile(path, 'utf8').catch(() => undefined);
  if (source === undefined) return undefined;
  const lines = source.split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  return out;
}
