import { relative } from 'node:path';
import type { Flow } from './define-flow.ts';

/** Thrown when flows cannot be loaded or routed; the message says what to change. */
export class FlowConfigError extends Error {
  override readonly name = 'FlowConfigError';
}

/** Picks the flow that serves a business number. */
export interface FlowRegistry {
  readonly flows: readonly Flow[];
  /** The flow that serves a business number (`phone_number_id`); throws a `FlowConfigError` when none does. */
  forNumber(businessNumberId: string): Flow;
}

/**
 * Routing: a flow listing `numbers` serves those `phone_number_id`s; every other number goes to
 * the default flow: the one marked `default: true`, the one named by `defaultFlow`
 * (`CHARTBOT_FLOW`), or the only flow without `numbers`.
 */
export function createFlowRegistry(flows: readonly Flow[], options: { defaultFlow?: string } = {}): FlowRegistry {
  if (flows.length === 0) throw new FlowConfigError('no flows: add a flow file (see flows/support.ts) or pass flows to createBot()');
  const names = new Set<string>();
  const byNumber = new Map<string, Flow>();
  for (const flow of flows) {
    if (names.has(flow.name)) throw new FlowConfigError(`two flows are named "${flow.name}": names must be unique`);
    names.add(flow.name);
    for (const number of flow.numbers ?? []) {
      const other = byNumber.get(number);
      if (other) throw new FlowConfigError(`number ${number} is claimed by both "${other.name}" and "${flow.name}"`);
      byNumber.set(number, flow);
    }
  }
  let fallback: Flow | undefined;
  if (options.defaultFlow) {
    fallback = flows.find((f) => f.name === options.defaultFlow);
    if (!fallback) {
      throw new FlowConfigError(`CHARTBOT_FLOW="${options.defaultFlow}" names no loaded flow (have: ${[...names].join(', ')})`);
    }
  } else {
    const marked = flows.filter((f) => f.default);
    const unrouted = flows.filter((f) => !f.numbers?.length);
    if (marked.length > 1) {
      throw new FlowConfigError(
        `several flows are marked default: ${marked.map(describe).join(', ')}. Keep \`default: true\` in one of them and remove it from the others, e.g. in ${where(marked[1] as Flow)}:\n` +
          `    export default defineFlow({ name: '${(marked[1] as Flow).name}', machine });`,
      );
    }
    if (marked.length === 1) fallback = marked[0];
    else if (unrouted.length === 1) fallback = unrouted[0];
    else if (unrouted.length > 1) throw new FlowConfigError(ambiguousDefault(unrouted));
  }
  return {
    flows,
    forNumber(businessNumberId) {
      const flow = byNumber.get(businessNumberId) ?? fallback;
      if (!flow) throw new FlowConfigError(`no flow serves number ${businessNumberId} and there is no default flow`);
      return flow;
    },
  };
}

/** Where a flow came from, as the user wrote it (relative to the working folder). */
function where(flow: Flow): string {
  return flow.file ? relative(process.cwd(), flow.file) || flow.file : `the flow "${flow.name}"`;
}

function describe(flow: Flow): string {
  return flow.file ? `${flow.name} (${where(flow)})` : flow.name;
}

/** Several flows without `numbers` and no default: the three ways out, with the line to write for each. */
function ambiguousDefault(unrouted: readonly Flow[]): string {
  const [first, second, ...rest] = unrouted as [Flow, Flow, ...Flow[]];
  const others = rest.length ? ` (and likewise in ${rest.map(where).join(', ')})` : '';
  return [
    `several flows could serve every number: ${unrouted.map(describe).join(', ')}.`,
    'Say which one answers the numbers no flow claims, in one of these ways:',
    `  1. mark it the default, e.g. in ${where(first)}:`,
    `       export default defineFlow({ name: '${first.name}', machine, default: true });`,
    `  2. or give the other flows the numbers (phone_number_id) they serve, e.g. in ${where(second)}${others}:`,
    `       export default defineFlow({ name: '${second.name}', machine, numbers: ['<phone_number_id>'] });`,
    `  3. or name it when starting: CHARTBOT_FLOW=${first.name} npm start`,
  ].join('\n');
}
