import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Flow } from '../conversation/define-flow.ts';
import { createFlowRegistry, FlowConfigError, type FlowRegistry } from '../conversation/flow-registry.ts';
import { isFlowFileName } from '../conversation/load-flows.ts';
import { FlowLoadError, importFlowFresh } from './flow-loader.ts';
import type { LoadErrorView } from './view-types.ts';

interface Loaded {
  flow: Flow;
  source: string;
  version: number;
}

/** What a reload did to one file. */
export type FileChange =
  | { kind: 'unchanged' }
  | { kind: 'reloaded'; file: string; flow: Flow }
  | { kind: 'failed'; file: string; error: LoadErrorView }
  | { kind: 'removed'; file: string }
  /** A file a flow may import (not a flow itself): ESM cannot load it again. */
  | { kind: 'dependency'; file: string };

/**
 * The flows the studio serves: the files named on the command line and every flow file of the
 * folders named there. Each file keeps its last version that loaded; a file that fails to load
 * keeps the previous version running and reports where it failed.
 */
export class FlowCatalog {
  private readonly loaded = new Map<string, Loaded>();
  private readonly failures = new Map<string, LoadErrorView>();
  private routingError: string | undefined;
  private versions = 0;
  private registryCache: FlowRegistry | undefined;

  constructor(
    private readonly files: readonly string[],
    private readonly dirs: readonly string[],
    private readonly options: { defaultFlow?: string } = {},
  ) {}

  /** Sorts command-line paths into flow files and flow folders. */
  static async fromPaths(paths: readonly string[], options: { defaultFlow?: string } = {}): Promise<FlowCatalog> {
    const files: string[] = [];
    const dirs: string[] = [];
    for (const path of paths) {
      const full = resolve(path);
      const info = await stat(full).catch(() => undefined);
      if (!info) throw new FlowConfigError(`${path}: no such flow file or folder`);
      (info.isDirectory() ? dirs : files).push(full);
    }
    return new FlowCatalog(files, dirs, options);
  }

  /** Folders to watch: those of the flow files and the flow folders. */
  get watchedDirs(): string[] {
    return [...new Set([...this.dirs, ...this.files.map((f) => dirname(f))])];
  }

  /** Whether `file` is (or would be) one of the served flows. */
  isFlowFile(file: string): boolean {
    return this.files.includes(file) || (this.dirs.includes(dirname(file)) && isFlowFileName(basename(file)));
  }

  async loadAll(): Promise<void> {
    const found = [...this.files];
    for (const dir of this.dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      found.push(...names.filter(isFlowFileName).sort().map((n) => join(dir, n)));
    }
    for (const file of found) await this.load(file);
    this.rebuildRegistry();
  }

  /** Loads a changed file again (a flow) or says why it cannot (a module flows import). */
  async fileChanged(file: string): Promise<FileChange> {
    if (!this.isFlowFile(file)) return { kind: 'dependency', file };
    const change = await this.load(file);
    if (change.kind !== 'unchanged') this.rebuildRegistry();
    return change;
  }

  /** The last version of every flow that loaded. */
  get flows(): Flow[] {
    return [...this.loaded.values()].map((l) => l.flow);
  }

  versionOf(flowName: string): number {
    return [...this.loaded.values()].find((l) => l.flow.name === flowName)?.version ?? 0;
  }

  /** Files that failed to load, and a routing problem between flows (both keep the last good flows running). */
  get errors(): LoadErrorView[] {
    const errors = [...this.failures.values()];
    if (this.routingError) errors.push({ file: this.watchedDirs[0] ?? '', message: this.routingError });
    return errors;
  }

  /** The routing of the last flows that fit together; undefined while no flow has loaded. */
  get registry(): FlowRegistry | undefined {
    return this.registryCache;
  }

  private async load(file: string): Promise<FileChange> {
    const source = await readFile(file, 'utf8').catch(() => undefined);
    if (source === undefined) {
      const had = this.loaded.delete(file) || this.failures.delete(file);
      return had ? { kind: 'removed', file } : { kind: 'unchanged' };
    }
    // Editors write a file in several steps (and watchers report each): the same text loads once.
    if (this.loaded.get(file)?.source === source && !this.failures.has(file)) return { kind: 'unchanged' };
    try {
      const flow = await importFlowFresh(file);
      this.loaded.set(file, { flow, source, version: ++this.versions });
      this.failures.delete(file);
      return { kind: 'reloaded', file, flow };
    } catch (error) {
      const detail = error instanceof FlowLoadError ? error.detail : { file, message: String(error) };
      this.failures.set(file, detail);
      return { kind: 'failed', file, error: detail };
    }
  }

  private rebuildRegistry(): void {
    const flows = this.flows;
    if (flows.length === 0) {
      this.routingError = undefined;
      return;
    }
    try {
      this.registryCache = createFlowRegistry(flows, this.options.defaultFlow ? { defaultFlow: this.options.defaultFlow } : {});
      this.routingError = undefined;
    } catch (error) {
      this.routingError = (error as Error).message;
    }
  }
}
