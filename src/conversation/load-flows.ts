import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { checkVersioning, isFlowDefinition, type Flow } from './define-flow.ts';
import { FlowConfigError } from './flow-registry.ts';

const FLOW_EXTENSIONS = new Set(['.ts', '.js', '.mts', '.mjs']);

function isMachine(value: unknown): value is AnyStateMachine {
  return typeof value === 'object' && value !== null && 'transition' in value && 'getInitialSnapshot' in value && 'root' in value;
}

/** Turns a module's default export (a machine or `defineFlow(...)`) into a Flow. */
export function toFlow(exported: unknown, file: string): Flow {
  const fallbackName = basename(file, extname(file));
  if (isMachine(exported)) return { name: fallbackName, machine: exported, file };
  if (isFlowDefinition(exported) && isMachine(exported.machine)) {
    checkVersioning(exported, file);
    const flow: Flow = { name: exported.name ?? fallbackName, machine: exported.machine, file };
    if (exported.description !== undefined) flow.description = exported.description;
    if (exported.numbers !== undefined) flow.numbers = exported.numbers;
    if (exported.default !== undefined) flow.default = exported.default;
    if (exported.version !== undefined) flow.version = exported.version;
    if (exported.migrate !== undefined) flow.migrate = exported.migrate;
    return flow;
  }
  throw new FlowConfigError(
    `${file}: the default export must be an xstate machine (setup(...).createMachine(...)) or defineFlow({ machine }); got ${typeof exported}`,
  );
}

/** Loads one flow file (.ts works without a build step: chartbot runs under tsx). */
export async function loadFlowFile(file: string): Promise<Flow> {
  const path = resolve(file);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new FlowConfigError(`${path}: could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return toFlow(module.default, path);
}

/** The flow files of a folder, sorted (files starting with `_` or ending in `.test.ts` are skipped). */
export async function flowFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new FlowConfigError(`flows folder ${resolve(dir)} cannot be read (set FLOWS_DIR): ${(error as Error).message}`);
  }
  const files = names
    .filter((n) => FLOW_EXTENSIONS.has(extname(n)) && !n.startsWith('_') && !/\.(test|spec)\.|\.d\.ts$/.test(n))
    .sort();
  if (files.length === 0) throw new FlowConfigError(`no flow files (.ts or .js) in ${resolve(dir)}`);
  return files.map((n) => join(dir, n));
}

/** Loads every `.ts`/`.js` flow file of a folder (files starting with `_` or ending in `.test.ts` are skipped). */
export async function loadFlows(dir: string): Promise<Flow[]> {
  return Promise.all((await flowFilesIn(dir)).map((file) => loadFlowFile(file)));
}
