import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { replyActionInfo, type ReplyActionInfo } from '../conversation/reply.ts';
import { isLintRuleId, type LintRuleId } from './finding.ts';
import { formatDuration } from '../testing/duration.ts';

/**
 * Reading a machine definition the way lint needs it: states, transitions, actions, delays. Nothing
 * here starts an actor or calls a flow's functions.
 */

/** A state's dotted path without the machine id (`menu`, `checkout.payment`); the root is `''`. */
export const pathOf = (node: AnyStateNode): string => node.path.join('.');

/** Every state node below the root, parents before children, in definition order. */
export function statesOf(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states)) {
      nodes.push(child);
      visit(child);
    }
  };
  visit(machine.root);
  return nodes;
}

/** The node's proper ancestors, nearest first, up to and including the root. */
export function ancestorsOf(node: AnyStateNode): AnyStateNode[] {
  const list: AnyStateNode[] = [];
  for (let parent = node.parent; parent; parent = parent.parent) list.push(parent);
  return list;
}

/** Every state inside `node` (not `node` itself). */
export function descendantsOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...descendantsOf(child)]);
}

/**
 * The states of the other regions of every parallel state around `node` (regions and everything
 * inside them): they are active alongside it.
 */
export function alongsideOf(node: AnyStateNode): AnyStateNode[] {
  const chain = [node, ...ancestorsOf(node)];
  return chain.flatMap((state) =>
    state.type === 'parallel'
      ? Object.values(state.states)
          .filter((region) => !chain.includes(region))
          .flatMap((region) => [region, ...descendantsOf(region)])
      : [],
  );
}

/** One transition with the descriptor it listens to (`''` for `always`). */
export interface Edge {
  descriptor: string;
  transition: AnyTransitionDefinition;
  /** Set for `after` transitions: the delay as written (a number of ms or a named delay). */
  delay?: unknown;
}

/** Every transition a state itself defines: `on`, `after`, `always`, invoke and state `onDone`. */
export function edgesOf(node: AnyStateNode): Edge[] {
  const edges: Edge[] = [];
  for (const [descriptor, list] of node.transitions) {
    for (const transition of list) {
      const delay = (transition as { delay?: unknown }).delay;
      edges.push({ descriptor, transition, ...(delay !== undefined ? { delay } : {}) });
    }
  }
  for (const transition of node.always ?? []) edges.push({ descriptor: '', transition });
  return edges;
}

/** How people read a descriptor: `user.text`, `after idle`, `always`. */
export function describeDescriptor(edge: Edge): string {
  if (edge.descriptor === '') return 'always';
  if (typeof edge.delay === 'number') return `after ${formatDuration(edge.delay)}`;
  if (edge.delay !== undefined) return `after ${String(edge.delay)}`;
  return edge.descriptor;
}

/** A delay in milliseconds: a number, or a named delay set to a number in `setup({ delays })`; undefined when computed. */
export function delayMs(machine: AnyStateMachine, delay: unknown): number | undefined {
  if (typeof delay === 'number') return delay;
  const named = (machine.implementations.delays as Record<string, unknown>)[String(delay)];
  return typeof named === 'number' ? named : undefined;
}

/** Resolves named actions (`entry: 'greet'`, `{ type: 'greet' }`) to their implementation in `setup({ actions })`. */
function resolveAction(machine: AnyStateMachine, action: unknown): unknown {
  const name = typeof action === 'string' ? action : typeof action === 'object' && action !== null && 'type' in action ? (action as { type: unknown }).type : undefined;
  if (typeof name !== 'string') return action;
  return (machine.implementations.actions as Record<string, unknown>)[name] ?? action;
}

/** The `reply()` actions among `actions`, with what lint can know of each. */
export function repliesIn(machine: AnyStateMachine, actions: readonly unknown[]): ReplyActionInfo[] {
  const infos: ReplyActionInfo[] = [];
  for (const action of actions) {
    const info = replyActionInfo(resolveAction(machine, action));
    if (info) infos.push(info);
  }
  return infos;
}

/** The states a transition enters: its targets and, through them, their initial descendants. */
export function enteredBy(transition: AnyTransitionDefinition): AnyStateNode[] {
  const entered: AnyStateNode[] = [];
  const enter = (node: AnyStateNode): void => {
    entered.push(node);
    if (node.type === 'compound') {
      const initial = node.initial?.target?.[0];
      if (initial) enter(initial);
    } else if (node.type === 'parallel') {
      for (const region of Object.values(node.states)) enter(region);
    }
  };
  for (const target of transition.target ?? []) enter(target);
  return entered;
}

/** The rules a state opts out of: `meta: { lint: { allow: ['silent-state'] } }`. */
export function allowedRules(node: AnyStateNode): Set<LintRuleId> {
  const lint = (node.meta as { lint?: { allow?: unknown } } | undefined)?.lint;
  const allow = Array.isArray(lint?.allow) ? lint.allow : [];
  return new Set(allow.filter(isLintRuleId));
}

/** A place in a state where actions run: `entry`, `exit`, or a transition (`on user.text`, `after idle`, `always`). */
export interface ActionSite {
  where: string;
  actions: readonly unknown[];
}

/** Every place in the state's own definition where actions run. */
export function actionSitesOf(node: AnyStateNode): ActionSite[] {
  const sites: ActionSite[] = [
    { where: 'entry', actions: node.entry },
    { where: 'exit', actions: node.exit },
  ];
  for (const edge of edgesOf(node)) {
    const label = describeDescriptor(edge);
    sites.push({ where: edge.descriptor === '' || edge.delay !== undefined ? label : `on ${label}`, actions: edge.transition.actions });
  }
  return sites;
}
