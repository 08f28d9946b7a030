import type { StateValue } from 'xstate';
import type { FlowSnapshot, SnapshotMigration } from './flow-snapshot.ts';

/**
 * Ready-made migrations for the common flow changes. Each is a plain `SnapshotMigration`; the state
 * moves also tell the runtime where a moved state's pending `after` timers now belong, so that they
 * still fire.
 */

/** A state that moved: from one dotted path to another (`menu` → `home`, `payment` → `checkout.payment`). */
export interface StateMove {
  from: string;
  to: string;
}

const MOVES = Symbol.for('chartbot.migration.moves');

/** The state moves a migration declares (none for a hand-written function). */
export function movesOf(migration: SnapshotMigration): readonly StateMove[] {
  return (migration as { [MOVES]?: readonly StateMove[] })[MOVES] ?? [];
}

function withMoves(migration: SnapshotMigration, moves: readonly StateMove[]): SnapshotMigration {
  return Object.defineProperty(migration, MOVES, { value: moves, enumerable: false });
}

/** The active leaf states of a state value, as paths: `{ a: 'b', c: {} }` → `[['a', 'b'], ['c']]`. */
export function leafPaths(value: StateValue): string[][] {
  if (typeof value === 'string') return [[value]];
  const keys = Object.keys(value);
  return keys.flatMap((key) => {
    const inner = value[key];
    if (inner === undefined || (typeof inner === 'object' && Object.keys(inner).length === 0)) return [[key]];
    return leafPaths(inner).map((path) => [key, ...path]);
  });
}

type Tree = Map<string, Tree>;

/** The state value for leaf paths, written as xstate writes it (a lone active child as a string). */
export function stateValueOf(paths: readonly string[][]): StateValue {
  const root: Tree = new Map();
  for (const path of paths) {
    let at = root;
    for (const key of path) {
      let next = at.get(key);
      if (!next) at.set(key, (next = new Map()));
      at = next;
    }
  }
  const write = (tree: Tree): StateValue => {
    const [only] = tree;
    if (tree.size === 1 && only && only[1].size === 0) return only[0];
    return Object.fromEntries([...tree].map(([key, inner]) => [key, inner.size === 0 ? {} : write(inner)]));
  };
  return write(root);
}

const split = (path: string, helper: string): string[] => {
  const keys = path.split('.');
  if (keys.some((key) => key === '')) throw new Error(`${helper}: '${path}' is not a dotted state path such as 'menu' or 'checkout.payment'`);
  return keys;
};

/**
 * Moves a state (with whatever is active inside it) to another place in the machine: a saved
 * conversation in `from` (or inside it) continues in `to`. Its context is kept as it is, and its
 * pending `after` timers follow it.
 *
 * ```ts
 * migrate: { 2: moveState('payment', 'checkout.payment') }
 * ```
 */
export function moveState(from: string, to: string): SnapshotMigration {
  const source = split(from, 'moveState');
  const target = split(to, 'moveState');
  if (target.length > source.length && source.every((key, i) => target[i] === key)) {
    throw new Error(`moveState('${from}', '${to}'): a state cannot move inside itself`);
  }
  const migration = (snapshot: FlowSnapshot): FlowSnapshot => {
    const paths = leafPaths(snapshot.value);
    const inside = (path: string[]) => source.every((key, i) => path[i] === key);
    if (!paths.some(inside)) return snapshot;
    const moved = paths.map((path) => (inside(path) ? [...target, ...path.slice(source.length)] : path));
    return { ...snapshot, value: stateValueOf(moved) };
  };
  return withMoves(migration, [{ from, to }]);
}

/**
 * Renames a state in place (same parent, new key): `renameState('menu', 'home')`,
 * `renameState('checkout.pay', 'checkout.payment')`. Use `moveState` to change its parent.
 */
export function renameState(from: string, to: string): SnapshotMigration {
  const source = split(from, 'renameState');
  const target = split(to, 'renameState');
  if (source.length !== target.length || source.slice(0, -1).some((key, i) => target[i] !== key)) {
    throw new Error(`renameState('${from}', '${to}') changes the state's parent: use moveState('${from}', '${to}')`);
  }
  return moveState(from, to);
}

/**
 * Gives context fields a value where the saved context has none (a field the new version added):
 * `defaultContext({ tickets: 0, language: 'en' })`. Fields that are set are left alone.
 */
export function defaultContext(defaults: Readonly<Record<string, unknown>>): SnapshotMigration {
  return (snapshot) => {
    const context = { ...snapshot.context };
    for (const [field, value] of Object.entries(defaults)) {
      if (context[field] === undefined) context[field] = structuredClone(value);
    }
    return { ...snapshot, context };
  };
}

/**
 * Several changes of one version step, applied in order:
 * `migrate: { 1: composeMigrations(renameState('menu', 'home'), defaultContext({ tickets: 0 })) }`.
 */
export function composeMigrations(...migrations: SnapshotMigration[]): SnapshotMigration {
  const composed = (snapshot: FlowSnapshot): FlowSnapshot => migrations.reduce((current, migration) => migration(current), snapshot);
  return withMoves(composed, migrations.flatMap(movesOf));
}
