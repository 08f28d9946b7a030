import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import { describeFlow, type FlowGraph, type TransitionInfo } from '../testing/flow-graph.ts';

export interface GraphIndex {
  graph: FlowGraph;
  /** xstate's transition objects → the flow graph's transitions (what the diagram draws). */
  byDefinition: Map<AnyTransitionDefinition, TransitionInfo>;
  /** Delayed events (`xstate.after.idle.support.menu`) → the `after` transition that waits for them. */
  byEvent: Map<string, TransitionInfo>;
}

const cache = new WeakMap<AnyStateMachine, GraphIndex>();

/** The flow graph of a machine with lookups, computed once per machine (a reload makes a new machine). */
export function graphIndex(machine: AnyStateMachine): GraphIndex {
  let index = cache.get(machine);
  if (!index) {
    const graph = describeFlow(machine);
    index = {
      graph,
      byDefinition: new Map(graph.transitions.map((t) => [t.definition, t])),
      byEvent: new Map(graph.transitions.filter((t) => t.event.startsWith('xstate.after.')).map((t) => [t.event, t])),
    };
    cache.set(machine, index);
  }
  return index;
}
