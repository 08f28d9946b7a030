import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { HANDOVER_TAG } from '../handover/handover-record.ts';
import { formatDuration } from './duration.ts';
import type { StateFinding } from '../lint/finding.ts';

/** What a diagram shows beyond the definition. */
export interface GraphOptions {
  /** `chartbot lint` findings, shown on the states they concern (`state: ''`: on the flow as a whole). */
  findings?: readonly StateFinding[];
}

const findingMark = (finding: StateFinding) => `${finding.severity === 'error' ? '✖' : '⚠'} ${finding.rule}`;

/** The findings of each state, by path; a state with an error is drawn as one even if it also has warnings. */
function findingsByState(findings: readonly StateFinding[] = []): Map<string, StateFinding[]> {
  const byState = new Map<string, StateFinding[]>();
  for (const finding of findings) byState.set(finding.state, [...(byState.get(finding.state) ?? []), finding]);
  return byState;
}

const worst = (findings: readonly StateFinding[]) => (findings.some((f) => f.severity === 'error') ? 'error' : 'warning');

/** One state of a flow, by its path (`menu`, `ticket.form`); the root is ''. */
export interface StateInfo {
  path: string;
  /** xstate's node id (`support.menu`). */
  id: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  parent?: string;
  /** Path of the initial child, for compound states. */
  initial?: string;
  tags: string[];
}

/** One transition of a flow definition. */
export interface TransitionInfo {
  /** Stable, readable key: `menu --user.button [event.id === 'faq']--> faq`. */
  key: string;
  source: string;
  /** The event descriptor (`user.text`, `user.*`, `xstate.after.idle.support.menu`, `''` for `always`). */
  event: string;
  /** How people read the event: `user.button`, `after idle (10m)`, `always`. */
  label: string;
  targets: string[];
  guard?: string;
  /** Position among the candidates for the same event in the same state (guards are tried in order). */
  index: number;
  definition: AnyTransitionDefinition;
}

/** A flow's states and transitions, read from the machine definition (see `describeFlow`). */
export interface FlowGraph {
  id: string;
  states: StateInfo[];
  transitions: TransitionInfo[];
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');

/** Inline guards have no names: show their source when it is short (`event.id === 'faq'`). */
function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const source = guard.toString();
    // Compact form (no spaces next to punctuation): tsx and vitest print the same function differently.
    const arrow = /=>\s*([\s\S]+)$/.exec(source)?.[1]?.trim().replace(/\s+/g, ' ').replace(/ ?([^\w\s$]) ?/g, '$1');
    if (arrow && arrow.length <= 60 && !arrow.startsWith('{')) return arrow;
    return guard.name && guard.name !== 'guard' ? guard.name : 'guard';
  }
  if (typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

function delayLabel(machine: AnyStateMachine, delay: unknown): string {
  if (typeof delay === 'number') return `after ${formatDuration(delay)}`;
  const implementation = (machine.implementations.delays as Record<string, unknown>)[String(delay)];
  return typeof implementation === 'number' ? `after ${String(delay)} (${formatDuration(implementation)})` : `after ${String(delay)}`;
}

/**
 * Walks a machine definition (no actor is started): every state and every transition, in
 * definition order. The flow graph (`chartbot graph`) and the coverage report both use it.
 */
export function describeFlow(machine: AnyStateMachine): FlowGraph {
  const states: StateInfo[] = [];
  const transitions: TransitionInfo[] = [];
  const visit = (node: AnyStateNode): void => {
    const path = pathOf(node);
    if (node.parent) {
      const info: StateInfo = { path, id: node.id, type: node.type, parent: pathOf(node.parent), tags: [...node.tags] };
      const initial = node.initial?.target?.[0];
      if (node.type === 'compound' && initial) info.initial = pathOf(initial);
      states.push(info);
    }
    const lists: Array<[string, AnyTransitionDefinition[]]> = [...node.transitions.entries()];
    if (node.always) lists.push(['', node.always]);
    for (const [event, candidates] of lists) {
      candidates.forEach((t, index) => {
        const delay = (t as { delay?: unknown }).delay;
        const label = event === '' ? 'always' : delay !== undefined ? delayLabel(machine, delay) : event;
        const targets = (t.target ?? []).map(pathOf);
        const guard = guardLabel(t.guard);
        const key = `${path || '(any state)'} --${label}${guard ? ` [${guard}]` : ''}--> ${targets.length ? targets.join(', ') : '(stays)'}`;
        transitions.push({ key, source: path, event, label, targets, index, definition: t, ...(guard ? { guard } : {}) });
      });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return { id: machine.id, states, transitions };
}

const mermaidId = (path: string) => path.replace(/[^A-Za-z0-9_]/g, '_');
const mermaidText = (text: string) => text.replace(/[:;]/g, ' ').replace(/\s+/g, ' ').trim();

/** A Mermaid `stateDiagram-v2` of a flow: states, events, guards, delays, tags, final states. */
export function toMermaid(machine: AnyStateMachine, options: GraphOptions = {}): string {
  const graph = describeFlow(machine);
  const findings = findingsByState(options.findings);
  const lines = ['stateDiagram-v2'];
  const children = (parent: string) => graph.states.filter((s) => s.parent === parent);
  const edgeLabel = (t: TransitionInfo) => mermaidText(`${t.label}${t.guard ? ` [${t.guard}]` : ''}`);
  const emit = (parent: string, indent: string): void => {
    const initial = parent === '' ? machine.root.initial?.target?.[0] : undefined;
    const first = parent === '' ? (initial ? initial.path.join('.') : undefined) : graph.states.find((s) => s.path === parent)?.initial;
    if (first) lines.push(`${indent}[*] --> ${mermaidId(first)}`);
    // Regions of a parallel state are separated by `--` in Mermaid.
    const parallel = graph.states.find((s) => s.path === parent)?.type === 'parallel';
    children(parent).forEach((state, i) => {
      if (parallel && i > 0) lines.push(`${indent}--`);
      const id = mermaidId(state.path);
      const name = state.path.split('.').at(-1) ?? state.path;
      if (id !== name) lines.push(`${indent}state "${name}" as ${id}`);
      if (state.type === 'compound' || state.type === 'parallel') {
        lines.push(`${indent}state ${id} {`);
        emit(state.path, indent + '  ');
        lines.push(`${indent}}`);
      }
      if (state.tags.length) lines.push(`${indent}${id} : tag ${state.tags.join(', ')}`);
      for (const finding of findings.get(state.path) ?? []) lines.push(`${indent}${id} : ${mermaidText(findingMark(finding))}`);
      if (state.type === 'final') lines.push(`${indent}${id} --> [*]`);
    });
    for (const t of graph.transitions.filter((tr) => tr.source !== '' && graph.states.find((s) => s.path === tr.source)?.parent === parent)) {
      const targets = t.targets.length ? t.targets : [t.source];
      for (const target of targets) lines.push(`${indent}${mermaidId(t.source)} --> ${mermaidId(target)} : ${edgeLabel(t)}`);
    }
  };
  emit('', '  ');
  const global = graph.transitions.filter((t) => t.source === '');
  const anchor = machine.root.initial?.target?.[0];
  if (global.length && anchor) {
    const text = global.map((t) => `${edgeLabel(t)} → ${t.targets.length ? t.targets.join(', ') : 'stays'}`).join(', ');
    lines.push(`  note right of ${mermaidId(pathOf(anchor))} : in any state - ${mermaidText(text)}`);
  }
  const flowWide = findings.get('') ?? [];
  if (flowWide.length && anchor) lines.push(`  note left of ${mermaidId(pathOf(anchor))} : whole flow - ${mermaidText(flowWide.map(findingMark).join(', '))}`);
  const flagged = [...findings].filter(([path]) => path !== '');
  if (flagged.length) {
    lines.push('  classDef lintError stroke:#c00,stroke-width:3px', '  classDef lintWarning stroke:#e80,stroke-width:3px');
    for (const [path, list] of flagged) lines.push(`  class ${mermaidId(path)} ${worst(list) === 'error' ? 'lintError' : 'lintWarning'}`);
  }
  // Hand-over states (tagged `handover`) belong to people: they stand out in the diagram.
  const handover = graph.states.filter((s) => s.tags.includes(HANDOVER_TAG));
  if (handover.length) {
    lines.push(`  classDef handoverState fill:${HANDOVER_FILL},stroke:#b7791f`);
    lines.push(`  class ${handover.map((s) => mermaidId(s.path)).join(',')} handoverState`);
  }
  return lines.join('\n') + '\n';
}

/** Hand-over states are filled in this colour in both formats. */
const HANDOVER_FILL = '#ffe8a3';

const dotString = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The same graph in Graphviz DOT. Compound states become clusters entered through a point. */
export function toDot(machine: AnyStateMachine, options: GraphOptions = {}): string {
  const graph = describeFlow(machine);
  const findings = findingsByState(options.findings);
  const marks = (path: string) => (findings.get(path) ?? []).map((f) => `\n${findingMark(f)}`).join('');
  const color = (path: string) => (findings.has(path) ? `color=${worst(findings.get(path) ?? []) === 'error' ? 'red' : 'orange'}` : undefined);
  const lines = [`digraph ${dotString(graph.id)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded];', '  __start [shape=point];'];
  const compound = new Set(graph.states.filter((s) => s.type === 'compound' || s.type === 'parallel').map((s) => s.path));
  const emit = (parent: string, indent: string): void => {
    for (const state of graph.states.filter((s) => s.parent === parent)) {
      const name = state.path.split('.').at(-1) ?? state.path;
      if (compound.has(state.path)) {
        lines.push(`${indent}subgraph ${dotString(`cluster_${state.path}`)} {`, `${indent}  label=${dotString(name + marks(state.path))};`);
        const stroke = color(state.path);
        if (stroke) lines.push(`${indent}  ${stroke};`);
        if (state.tags.includes(HANDOVER_TAG)) lines.push(`${indent}  style=filled; fillcolor=${dotString(HANDOVER_FILL)};`);
        lines.push(`${indent}  ${dotString(state.path)} [shape=point];`);
        emit(state.path, indent + '  ');
        lines.push(`${indent}}`);
      } else {
        const attrs = [`label=${dotString(name + (state.tags.length ? `\n(${state.tags.join(', ')})` : '') + marks(state.path))}`];
        if (state.type === 'final') attrs.push('shape=doublecircle');
        if (state.tags.includes(HANDOVER_TAG)) attrs.push(`style="rounded,filled"`, `fillcolor=${dotString(HANDOVER_FILL)}`);
        const stroke = color(state.path);
        if (stroke) attrs.push(stroke);
        lines.push(`${indent}${dotString(state.path)} [${attrs.join(', ')}];`);
      }
    }
  };
  emit('', '  ');
  const flowWide = findings.get('') ?? [];
  if (flowWide.length) lines.push(`  "lint: whole flow" [shape=note, color=${worst(flowWide) === 'error' ? 'red' : 'orange'}, label=${dotString(`whole flow:${marks('')}`)}];`);
  const initial = machine.root.initial?.target?.[0];
  if (initial) lines.push(`  __start -> ${dotString(pathOf(initial))};`);
  for (const state of graph.states) {
    if (state.initial) lines.push(`  ${dotString(state.path)} -> ${dotString(state.initial)} [style=dashed];`);
  }
  for (const t of graph.transitions) {
    const label = dotString(`${t.label}${t.guard ? ` [${t.guard}]` : ''}`);
    if (t.source === '') {
      lines.push(`  ${dotString(`any: ${t.label}`)} [shape=note, label=${dotString(`in any state: ${t.label}${t.targets.length ? ` → ${t.targets.join(', ')}` : ' (stays)'}`)}];`);
      continue;
    }
    for (const target of t.targets.length ? t.targets : [t.source]) {
      lines.push(`  ${dotString(t.source)} -> ${dotString(target)} [label=${label}];`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
