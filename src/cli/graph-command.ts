import { FlowConfigError } from '../conversation/flow-registry.ts';
import { flowFilesAt, lintFlowFile } from '../lint/lint-files.ts';
import { toDot, toMermaid } from '../testing/flow-graph.ts';

export type GraphFormat = 'mermaid' | 'dot';

/**
 * `chartbot graph <flow>`: the flow's state diagram as Mermaid (default) or Graphviz DOT, with
 * `chartbot lint`'s findings marked on the states they concern.
 */
export async function graphCommand(path: string, format: GraphFormat): Promise<string> {
  const linted = [];
  for (const file of await flowFilesAt([path])) {
    const result = await lintFlowFile(file);
    if (!result.flow) throw new FlowConfigError(result.findings[0]?.message ?? `${file}: could not be loaded`);
    linted.push({ flow: result.flow, findings: result.findings });
  }
  const render = format === 'dot' ? toDot : toMermaid;
  const [only] = linted;
  if (linted.length === 1 && only) return render(only.flow.machine, { findings: only.findings });
  const comment = format === 'dot' ? '//' : '%%';
  return linted.map(({ flow, findings }) => `${comment} flow ${flow.name}\n${render(flow.machine, { findings })}`).join('\n');
}
