import type { AnyStateMachine, AnyTransitionDefinition, InspectionEvent, StateValue } from 'xstate';
import { describeFlow, type FlowGraph } from './flow-graph.ts';
import { activePaths } from './state-paths.ts';

/** What the tests exercised of one flow. */
export interface CoverageReport {
  flow: string;
  states: { total: number; visited: string[]; unvisited: string[] };
  /** Transitions by their readable key (`menu --user.button [event.id === 'faq']--> faq`). */
  transitions: { total: number; taken: string[]; untaken: string[] };
}

interface Tracked {
  name: string;
  graph: FlowGraph;
  keys: Map<AnyTransitionDefinition, string>;
  states: Set<string>;
  transitions: Set<string>;
}

interface MachineSnapshotLike {
  machine?: unknown;
  value?: StateValue;
  status?: string;
}

/**
 * Records which states and transitions of the given flows ran, from xstate's inspection events (the
 * runtime's `inspect` option), and compares them with the machine definitions. One recorder can be
 * shared by many test bots, so a whole suite adds up into one report.
 */
export class CoverageRecorder {
  private readonly tracked = new Map<AnyStateMachine, Tracked>();

  constructor(flows: ReadonlyArray<{ name: string; machine: AnyStateMachine }> = []) {
    for (const flow of flows) this.track(flow);
  }

  /** Adds a flow to the report (a machine already tracked is kept as is). */
  track(flow: { name: string; machine: AnyStateMachine }): void {
    if (this.tracked.has(flow.machine)) return;
    const graph = describeFlow(flow.machine);
    const keys = new Map(graph.transitions.map((t) => [t.definition, t.key] as const));
    this.tracked.set(flow.machine, { name: flow.name, graph, keys, states: new Set(), transitions: new Set() });
  }

  /** The inspector to hand to the runtime (`new Runtime({ inspect })`). */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot' && event.type !== '@xstate.microstep') return;
    const snapshot = event.snapshot as MachineSnapshotLike;
    const flow = this.tracked.get(snapshot.machine as AnyStateMachine);
    if (!flow || snapshot.value === undefined || snapshot.status === 'error') return;
    for (const path of activePaths(snapshot.value)) flow.states.add(path);
    if (event.type === '@xstate.microstep') {
      for (const transition of event._transitions) {
        const key = flow.keys.get(transition);
        if (key !== undefined) flow.transitions.add(key);
      }
    }
  };

  /** One report per tracked flow, states and transitions in definition order. */
  report(): CoverageReport[] {
    return [...this.tracked.values()].map((flow) => {
      const states = flow.graph.states.map((s) => s.path);
      const transitions = flow.graph.transitions.map((t) => t.key);
      return {
        flow: flow.name,
        states: {
          total: states.length,
          visited: states.filter((s) => flow.states.has(s)),
          unvisited: states.filter((s) => !flow.states.has(s)),
        },
        transitions: {
          total: transitions.length,
          taken: transitions.filter((t) => flow.transitions.has(t)),
          untaken: transitions.filter((t) => !flow.transitions.has(t)),
        },
      };
    });
  }
}

const percent = (part: number, total: number) => (total === 0 ? 100 : Math.floor((part / total) * 100));

/**
 * The report as text, e.g.
 *
 * ```
 * flow support: states 7/8 (87%), transitions 15/20 (75%)
 *   never reached: closed
 *   never taken:
 *     reminder --after closeAfter (1h)--> closed
 * ```
 */
export function formatCoverage(reports: readonly CoverageReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const s = r.states;
    const t = r.transitions;
    lines.push(
      `flow ${r.flow}: states ${s.visited.length}/${s.total} (${percent(s.visited.length, s.total)}%), ` +
        `transitions ${t.taken.length}/${t.total} (${percent(t.taken.length, t.total)}%)`,
    );
    if (s.unvisited.length) lines.push(`  never reached: ${s.unvisited.join(', ')}`);
    if (t.untaken.length) lines.push('  never taken:', ...t.untaken.map((key) => `    ${key}`));
  }
  return lines.join('\n') + '\n';
}
