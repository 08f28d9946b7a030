import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { ancestorsOf, edgesOf } from './machine-walk.ts';

/** Where a history state leads when it has nothing to remember: its `target`, else its parent's initial state. */
function historyDefaults(node: AnyStateNode): AnyStateNode[] {
  const parent = node.parent;
  if (!parent) return [];
  const raw = (node.config as { target?: unknown }).target;
  const targets = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (targets.length === 0) return parent.type === 'parallel' ? [parent] : [...(parent.initial?.target ?? [])];
  const resolved: AnyStateNode[] = [];
  for (const target of targets) {
    if (typeof target !== 'string') continue;
    if (target.startsWith('#')) {
      try {
        resolved.push(node.machine.getStateNodeById(target.slice(1)));
      } catch {
        // an unknown id: xstate refuses the machine before lint gets here
      }
      continue;
    }
    let at: AnyStateNode | undefined = parent;
    for (const key of target.split('.')) at = at?.states[key];
    if (at) resolved.push(at);
  }
  return resolved;
}

/**
 * The states a conversation can ever be in: from the machine's initial state, follow every
 * transition (whatever its event or guard), entering targets as xstate does: with their ancestors,
 * the initial state of compound targets, every region of parallel ones, a history state's default.
 */
export function reachableStates(machine: AnyStateMachine): Set<AnyStateNode> {
  const reached = new Set<AnyStateNode>();
  const pending: AnyStateNode[] = [];
  const activate = (node: AnyStateNode): void => {
    for (const active of [node, ...ancestorsOf(node)]) {
      if (reached.has(active)) continue;
      reached.add(active);
      pending.push(active);
    }
  };
  // A state reached only as the ancestor of a deeper target has not had its initial state entered yet.
  const enteredWhole = new Set<AnyStateNode>();
  const enter = (node: AnyStateNode): void => {
    if (enteredWhole.has(node)) return;
    enteredWhole.add(node);
    activate(node);
    // Entering a state inside a parallel state enters the other regions too.
    for (const ancestor of ancestorsOf(node)) {
      if (ancestor.type !== 'parallel') continue;
      for (const region of Object.values(ancestor.states)) if (!reached.has(region)) enter(region);
    }
    if (node.type === 'compound') {
      const initial = node.initial?.target?.[0];
      if (initial) enter(initial);
    } else if (node.type === 'parallel') {
      for (const region of Object.values(node.states)) enter(region);
    } else if (node.type === 'history') {
      for (const target of historyDefaults(node)) enter(target);
    }
  };
  enter(machine.root);
  for (let node = pending.shift(); node; node = pending.shift()) {
    for (const { transition } of edgesOf(node)) for (const target of transition.target ?? []) enter(target);
  }
  return reached;
}
