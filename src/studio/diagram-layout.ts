import elkBundled from 'elkjs/lib/elk.bundled.js';
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { AnyStateMachine } from 'xstate';
import { describeFlow, type StateInfo, type TransitionInfo } from '../testing/flow-graph.ts';
import type { DiagramEdge, DiagramLayout, DiagramNode } from './view-types.ts';

/**
 * Text is measured by character count: the page draws names and labels in a monospace font of
 * these sizes, so the server can lay the diagram out without a browser.
 */
const NAME_CHAR = 7.3; // 12px monospace
const LABEL_CHAR = 6.4; // 10.5px monospace
const LABEL_HEIGHT = 15;
const MAX_LABEL = 48;
const COMPOUND_HEADER = 30;

/** The page's text for a transition: event, guard in brackets (shortened: the log has it in full). */
export function transitionLabel(t: Pick<TransitionInfo, 'label' | 'guard'>): string {
  const text = `${t.label}${t.guard ? ` [${t.guard}]` : ''}`;
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

const nodeId = (path: string) => `s:${path}`;
const nameOf = (path: string) => path.split('.').at(-1) ?? path;

function stateNode(state: StateInfo, children: ElkNode[]): ElkNode {
  const name = nameOf(state.path);
  const tags = state.tags.length ? `(${state.tags.join(', ')})` : '';
  const width = Math.max(64, Math.ceil(Math.max(name.length * NAME_CHAR, tags.length * LABEL_CHAR) + 28));
  if (children.length > 0) {
    return {
      id: nodeId(state.path),
      children,
      layoutOptions: { 'elk.padding': `[top=${COMPOUND_HEADER + (tags ? 12 : 0)},left=14,bottom=14,right=14]`, 'elk.nodeSize.minimum': `(${width},40)`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' },
    };
  }
  if (state.type === 'history') return { id: nodeId(state.path), width: 26, height: 26 };
  return { id: nodeId(state.path), width, height: tags ? 44 : 32 };
}

// elkjs is CommonJS: its module.exports is the constructor its typings call the default export.
const ElkConstructor = elkBundled as unknown as new (args?: ELKConstructorArguments) => ELK;
const elk = new ElkConstructor();

/**
 * Lays a flow out as a diagram with elkjs (layered, nested states as containers, edges across
 * levels), entirely on the server: the page only draws the boxes and arrows it is given. Every
 * transition is an edge labelled with its event and guard (`after` delays read `after idle (10m)`);
 * a transition without a target loops back to its state; the root's transitions, taken in any
 * state, are listed in a note.
 */
export async function layoutFlow(name: string, machine: AnyStateMachine, version: number): Promise<DiagramLayout> {
  const graph = describeFlow(machine);
  const childrenOf = new Map<string, StateInfo[]>();
  for (const state of graph.states) {
    const siblings = childrenOf.get(state.parent ?? '') ?? [];
    siblings.push(state);
    childrenOf.set(state.parent ?? '', siblings);
  }
  const edges: ElkExtendedEdge[] = [];
  const edgeKeys = new Map<string, { key: string; label: string }>();
  const initialOf = (parent: string): string | undefined =>
    parent === '' ? machine.root.initial?.target?.[0]?.path.join('.') : graph.states.find((s) => s.path === parent)?.initial;

  const build = (parent: string): ElkNode[] => {
    const nodes: ElkNode[] = [];
    const kids = childrenOf.get(parent) ?? [];
    const parallel = graph.states.find((s) => s.path === parent)?.type === 'parallel';
    const initial = parallel ? undefined : initialOf(parent);
    if (initial) {
      const id = `i:${parent}`;
      nodes.push({ id, width: 12, height: 12 });
      edges.push({ id: `init:${parent}`, sources: [id], targets: [nodeId(initial)] });
      edgeKeys.set(`init:${parent}`, { key: '', label: '' });
    }
    for (const state of kids) nodes.push(stateNode(state, build(state.path)));
    return nodes;
  };
  const children = build('');

  const anyState: Array<{ text: string; key: string }> = [];
  graph.transitions.forEach((t, i) => {
    const label = transitionLabel(t);
    if (t.source === '') {
      anyState.push({ text: `${label} → ${t.targets.length ? t.targets.join(', ') : '(stays)'}`, key: t.key });
      return;
    }
    const targets = t.targets.length ? t.targets : [t.source];
    targets.forEach((target, j) => {
      const id = `t${i}.${j}`;
      edges.push({
        id,
        sources: [nodeId(t.source)],
        targets: [nodeId(target)],
        labels: [{ text: label, width: Math.ceil(label.length * LABEL_CHAR) + 6, height: LABEL_HEIGHT }],
      });
      edgeKeys.set(id, { key: t.key, label });
    });
  });
  if (anyState.length) {
    const longest = Math.max('in any state'.length, ...anyState.map((l) => l.text.length));
    children.push({ id: 'note', width: Math.ceil(longest * LABEL_CHAR) + 20, height: 24 + anyState.length * 16 });
  }

  const graphInput: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'SPLINES',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.spacing.edgeLabel': '3',
      'elk.spacing.edgeNode': '16',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children,
    edges,
  };
  const laid: ElkNode = await elk.layout(graphInput);

  const states = new Map(graph.states.map((s) => [s.path, s]));
  const nodes: DiagramNode[] = [];
  const collect = (node: ElkNode): void => {
    const box = { x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0 };
    if (node.id === 'note') {
      nodes.push({ path: '', name: 'in any state', type: 'note', ...box, tags: [], lines: anyState });
    } else if (node.id.startsWith('i:')) {
      nodes.push({ path: node.id.slice(2), name: '', type: 'initial', ...box, tags: [] });
    } else {
      const state = states.get(node.id.slice(2));
      if (state) nodes.push({ path: state.path, name: nameOf(state.path), type: state.type, ...box, tags: state.tags });
    }
    for (const child of node.children ?? []) collect(child);
  };
  for (const child of laid.children ?? []) collect(child);

  const drawn: DiagramEdge[] = ((laid.edges ?? []) as ElkExtendedEdge[]).map((e) => {
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const meta = edgeKeys.get(e.id) ?? { key: '', label: '' };
    const label = e.labels?.[0];
    return {
      id: e.id,
      key: meta.key,
      label: meta.label,
      points,
      ...(label && meta.label ? { labelBox: { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
    };
  });
  return { flow: name, version, width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), nodes, edges: drawn };
}
