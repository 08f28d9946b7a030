import { createActor, type AnyStateMachine, type AnyStateNode, type EventObject, type StateValue } from 'xstate';
import type { PendingTimer } from '../store/contact-record.ts';
import type { Flow } from './define-flow.ts';
import type { FlowSnapshot } from './flow-snapshot.ts';
import { leafPaths, movesOf, type StateMove } from './migration-helpers.ts';

/**
 * Bringing a saved conversation to the version of its flow: a pure function over the persisted
 * snapshot and timers. The runtime calls it before a step (see `ConversationMigrator`),
 * `chartbot migrate` for every stored conversation.
 */

/** A saved conversation: what a ContactRecord holds of it. */
export interface StoredConversation {
  /** xstate's persisted snapshot. */
  snapshot: unknown;
  timers: readonly PendingTimer[];
  /** The flow version it was written with (undefined: 1). */
  version?: number | undefined;
}

interface Versions {
  /** The version the conversation was written with. */
  from: number;
  /** The flow's version now. */
  to: number;
}

/** What becomes of a saved conversation under the current flow. */
export type MigrationResult =
  | (Versions & {
      /** `fit`: usable as it is (no migration ran); `migrate`: one or more migrations changed it. */
      outcome: 'fit' | 'migrate';
      snapshot: unknown;
      timers: PendingTimer[];
      /** `after` timers of states the conversation is no longer in: xstate would have cancelled them. */
      droppedTimers: PendingTimer[];
      /** State moves the migrations declared (a due timer being fired follows them too: `followMoves`). */
      moves: StateMove[];
    })
  | (Versions & {
      /** The conversation cannot continue: it starts over at its next message. */
      outcome: 'restart';
      /** Why, for the log and `chartbot migrate`. */
      reason: string;
    });

/** Options of `migrateConversation`. */
export interface MigrateOptions {
  /**
   * When to check that the result restores into the machine: `always` (`chartbot migrate`), or only
   * when its version changed (`changed`, the runtime's default: a snapshot of the current version
   * that does not restore is caught by the step itself).
   */
  verify?: 'always' | 'changed';
}

interface PersistedShape {
  value: StateValue;
  context: Record<string, unknown>;
  historyValue?: Record<string, Array<{ id: string }>>;
}

function isPersisted(snapshot: unknown): snapshot is PersistedShape {
  if (typeof snapshot !== 'object' || snapshot === null) return false;
  const { value, context } = snapshot as { value?: unknown; context?: unknown };
  return isStateValue(value) && typeof context === 'object' && context !== null && !Array.isArray(context);
}

function isStateValue(value: unknown): value is StateValue {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(isStateValue);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Every state node of a machine, the root included. */
function nodesOf(machine: AnyStateMachine): AnyStateNode[] {
  const all: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    all.push(node);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return all;
}

/** The id xstate gives the state at `path` in this machine (a custom `id` when it has one). */
function idAt(machine: AnyStateMachine, path: string): string {
  let node: AnyStateNode | undefined = machine.root;
  for (const key of path.split('.')) node = node?.states[key];
  return node?.id ?? `${machine.id}.${path}`;
}

/** A dotted path moved along the moves, in order (`menu.faq` with menu → home: `home.faq`). */
function movedPath(moves: readonly StateMove[], path: string): string {
  let current = path;
  for (const { from, to } of moves) {
    if (current === from || current.startsWith(`${from}.`)) current = to + current.slice(from.length);
  }
  return current;
}

/**
 * A state id rewritten along the moves (`support.menu` → `support.home`): ids xstate derived from
 * the path follow the state; custom ids (`id: 'thanks'`) stay as they are, as they do in the machine.
 */
function movedId(machine: AnyStateMachine, moves: readonly StateMove[], id: string): string {
  const prefix = `${machine.id}.`;
  return moves.length && id.startsWith(prefix) ? idAt(machine, movedPath(moves, id.slice(prefix.length))) : id;
}

const AFTER = 'xstate.after.';

/**
 * An `after` event type (`xstate.after.<delay>.<state id>`, also the timer's id) rewritten along
 * the moves, so that a timer of a moved state fires in its new place. Other types are returned as they are.
 */
export function followMoves(machine: AnyStateMachine, moves: readonly StateMove[], type: string): string {
  if (!type.startsWith(AFTER) || moves.length === 0) return type;
  const at = type.indexOf(`.${machine.id}.`, AFTER.length - 1);
  if (at < 0) return type;
  return `${type.slice(0, at)}.${movedId(machine, moves, type.slice(at + 1))}`;
}

/** The state an `after` timer belongs to: the node whose id ends its type (the longest such id). */
function timerState(nodes: readonly AnyStateNode[], type: string): AnyStateNode | undefined {
  let best: AnyStateNode | undefined;
  for (const node of nodes) {
    if (type.endsWith(`.${node.id}`) && (!best || node.id.length > best.id.length)) best = node;
  }
  return best;
}

/** The states active for a state value (leaves and their ancestors), as paths. */
function activePaths(value: StateValue): Set<string> {
  const active = new Set<string>();
  for (const path of leafPaths(value)) for (let i = 1; i <= path.length; i++) active.add(path.slice(0, i).join('.'));
  return active;
}

/** Whether xstate can restore the snapshot into the machine; the reason when it cannot. */
export function restoreProblem(machine: AnyStateMachine, snapshot: unknown): string | undefined {
  try {
    const actor = createActor(machine, { snapshot: snapshot as never });
    const restored = actor.getSnapshot() as { status: string; error?: unknown };
    return restored.status === 'error' ? describe(restored.error) : undefined;
  } catch (error) {
    return describe(error);
  }
}

/**
 * What becomes of one saved conversation under the flow as it is now: it fits as it is, the
 * flow's migrations bring it to the current version (step by step, from the version it was written
 * with), or it must restart (a migration threw or returned no snapshot, or the result does not
 * restore into the machine). Pure: the input is not changed.
 */
export function migrateConversation(flow: Flow, stored: StoredConversation, options: MigrateOptions = {}): MigrationResult {
  const from = stored.version ?? 1;
  const to = flow.version ?? 1;
  const versions: Versions = { from, to };
  const timers = [...stored.timers];
  if (from === to && options.verify !== 'always') return { ...versions, outcome: 'fit', snapshot: stored.snapshot, timers, droppedTimers: [], moves: [] };
  if (!isPersisted(stored.snapshot)) return { ...versions, outcome: 'restart', reason: 'the saved snapshot has no state value and context' };

  let current: FlowSnapshot = { value: stored.snapshot.value, context: stored.snapshot.context };
  const moves: StateMove[] = [];
  let migrated = false;
  for (let version = from; version < to; version++) {
    const step = flow.migrate?.[version];
    if (!step) continue; // this version needed no change to saved conversations
    let next: unknown;
    try {
      // A copy, so that a migration changing its input in place cannot touch the stored record.
      next = step(structuredClone(current));
    } catch (error) {
      return { ...versions, outcome: 'restart', reason: `migrate[${version}] (version ${version} → ${version + 1}) threw: ${describe(error)}` };
    }
    if (!isPersisted(next)) {
      return { ...versions, outcome: 'restart', reason: `migrate[${version}] (version ${version} → ${version + 1}) returned ${JSON.stringify(next) ?? String(next)}, not { value, context }` };
    }
    current = { value: next.value, context: next.context };
    moves.push(...movesOf(step));
    migrated = true;
  }

  const { machine } = flow;
  const history = stored.snapshot.historyValue;
  const snapshot = {
    ...stored.snapshot,
    value: current.value,
    context: current.context,
    ...(history && moves.length
      ? { historyValue: Object.fromEntries(Object.entries(history).map(([id, states]) => [movedId(machine, moves, id), states.map((s) => ({ id: movedId(machine, moves, s.id) }))])) }
      : {}),
  };
  const problem = restoreProblem(machine, snapshot);
  if (problem !== undefined) {
    const state = leafPaths(current.value).map((path) => path.join('.')).join(', ');
    return { ...versions, outcome: 'restart', reason: `state ${state} does not fit the flow${migrated ? ' after migration' : ''}: ${problem}` };
  }

  // Timers: `after` timers follow moved states; those of states no longer active are dropped.
  const nodes = nodesOf(machine);
  const active = activePaths(current.value);
  const kept: PendingTimer[] = [];
  const dropped: PendingTimer[] = [];
  for (const timer of timers) {
    if (!timer.id.startsWith(AFTER)) {
      kept.push(timer);
      continue;
    }
    const id = followMoves(machine, moves, timer.id);
    const event: EventObject = timer.event.type === timer.id ? { ...timer.event, type: id } : timer.event;
    const state = timerState(nodes, id);
    if (state && active.has(state.path.join('.'))) kept.push({ ...timer, id, event: event as PendingTimer['event'] });
    else dropped.push(timer);
  }
  return { ...versions, outcome: migrated ? 'migrate' : 'fit', snapshot, timers: kept, droppedTimers: dropped, moves };
}
