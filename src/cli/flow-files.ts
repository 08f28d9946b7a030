import { stat } from 'node:fs/promises';
import type { Flow } from '../conversation/define-flow.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { loadFlowFile, loadFlows } from '../conversation/load-flows.ts';

/** The flows a CLI verb works on: one flow file, every flow of a folder, or (no path) `FLOWS_DIR` / `./flows`. */
export async function flowsAt(path: string | undefined, env: Record<string, string | undefined> = process.env): Promise<Flow[]> {
  const target = path ?? env.FLOWS_DIR ?? './flows';
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new FlowConfigError(`${target}: no such flow file or folder`);
  return info.isDirectory() ? loadFlows(target) : [await loadFlowFile(target)];
}
