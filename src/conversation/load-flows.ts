import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { checkVersioning, isFlowDefinition, type Flow, type HandoverFlowOptions } from './define-flow.ts';
import { FlowConfigError } from './flow-registry.ts';
import { prepareFlowLoading } from './flow-loader.ts';

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
    if (exported.handover !== undefined) flow.handover = checkedHandover(exported.handover, file);
    return flow;
  }
  throw new FlowConfigError(
    `${file}: the default export must be an xstate machine (setup(...).createMachine(...)) or defineFlow({ machine }); got ${typeof exported}`,
  );
}

/** The hand-over options of a flow, checked (a typo would otherwise silently mean "no timeout"). */
function checkedHandover(options: HandoverFlowOptions, file: string): HandoverFlowOptions {
  const { timeoutMs, markRead, ...unknown } = options as HandoverFlowOptions & Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new FlowConfigError(`${file}: unknown handover option(s) ${extra.join(', ')}: use timeoutMs, markRead`);
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new FlowConfigError(`${file}: handover.timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  if (markRead !== undefined && typeof markRead !== 'boolean') throw new FlowConfigError(`${file}: handover.markRead must be true or false`);
  return { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(markRead === undefined ? {} : { markRead }) };
}

async function importFlowModule(file: string): Promise<{ default?: unknown }> {
  const path = resolve(file);
  try {
    await prepareFlowLoading();
    return (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new FlowConfigError(`${path}: could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function isFlowExport(exported: unknown): boolean {
  return isMachine(exported) || (isFlowDefinition(exported) && isMachine(exported.machine));
}

/**
 * Loads one flow file from any folder: `.ts` works without a build step, and its `chartbot` and
 * `xstate` imports resolve even where nothing is installed next to it (see flow-loader.ts).
 */
export async function loadFlowFile(file: string): Promise<Flow> {
  const module = await importFlowModule(file);
  return toFlow(module.default, resolve(file));
}

/**
 * Which files of a flows folder are flows: every `.ts`/`.js`/`.mts`/`.mjs` file directly in it,
 * except files whose name starts with `_` and tests (`*.test.ts`, `*.spec.ts`, `*.d.ts`).
 * Subfolders are not read, so helper modules go in `flows/lib/` (or any subfolder) or get a `_` name.
 */
export function isFlowFileName(name: string): boolean {
  return FLOW_EXTENSIONS.has(extname(name)) && !name.startsWith('_') && !/\.(test|spec)\.|\.d\.ts$/.test(name);
}

/** The rule above, as error messages state it. */
export const FLOW_FILE_RULE =
  'every .ts/.js file directly in the flows folder is loaded as a flow; put helper modules in a subfolder (e.g. flows/lib/prices.ts) or start their name with _ (flows/_prices.ts)';

/** The flow files of a folder, sorted (see `isFlowFileName`: `_` files, tests and subfolders are skipped). */
export async function flowFilesIn(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new FlowConfigError(`flows folder ${resolve(dir)} cannot be read (set FLOWS_DIR): ${(error as Error).message}`);
  }
  const files = entries
    .filter((entry) => !entry.isDirectory() && isFlowFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) throw new FlowConfigError(`no flow files (.ts or .js) in ${resolve(dir)}`);
  return files.map((n) => join(dir, n));
}

/** Loads every flow file of a folder; a file there that is not a flow is refused with the rule. */
export async function loadFlows(dir: string): Promise<Flow[]> {
  return Promise.all(
    (await flowFilesIn(dir)).map(async (file) => {
      const module = await importFlowModule(file);
      if (!isFlowExport(module.default)) {
        const got = module.default === undefined ? 'it has no default export' : `its default export is a ${typeof module.default}`;
        throw new FlowConfigError(`${resolve(file)} is not a flow: ${got}. A flow file default-exports an xstate machine or defineFlow({ machine }); ${FLOW_FILE_RULE}`);
      }
      return toFlow(module.default, resolve(file));
    }),
  );
}
