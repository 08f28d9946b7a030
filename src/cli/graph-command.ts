import { toDot, toMermaid } from '../testing/flow-graph.ts';
import { flowsAt } from './flow-files.ts';

export type GraphFormat = 'mermaid' | 'dot';

/** `chartbot graph <flow>`: the flow's state diagram as Mermaid (default) or Graphviz DOT. */
export async function graphCommand(path: string, format: GraphFormat): Promise<string> {
  const flows = await flowsAt(path);
  const render = format === 'dot' ? toDot : toMermaid;
  if (flows.length === 1) return render((flows[0] as (typeof flows)[number]).machine);
  const comment = format === 'dot' ? '//' : '%%';
  return flows.map((flow) => `${comment} flow ${flow.name}\n${render(flow.machine)}`).join('\n');
}
