import type { StateValue } from 'xstate';

/**
 * A saved conversation as a migration sees it: the parts of xstate's persisted snapshot that a
 * flow change affects. Plain JSON: what the store holds.
 */
export interface FlowSnapshot {
  /** The state value as xstate persists it: `'menu'`, `{ checkout: 'payment' }`. */
  value: StateValue;
  /** The machine's context. */
  context: Record<string, unknown>;
}

/**
 * Turns a snapshot of one version into the next. A plain function: return the new snapshot (the
 * one given is a copy, so changing it in place is harmless too). Throwing, or returning something
 * that is not a snapshot, restarts that conversation (logged and counted).
 */
export type SnapshotMigration = (snapshot: FlowSnapshot) => FlowSnapshot;

/** The versions below `V` (`VersionsBelow<3>` is `1 | 2`); any number when `V` is not a literal. */
export type VersionsBelow<V extends number> = number extends V ? number : Below<V>;

// Counts up with a tuple; versions past 100 (or not whole) fall back to `number`, checked at run time.
type Below<V extends number, Count extends unknown[] = [unknown], Found extends number = never> = Count['length'] extends V
  ? Found
  : Count['length'] extends 100
    ? number
    : Below<V, [...Count, unknown], Found | Count['length']>;

/** `migrate` of `defineFlow`: the migration from each older version to the next, keyed by the version it starts from. */
export type FlowMigrations<V extends number = number> = { readonly [From in VersionsBelow<V>]?: SnapshotMigration };
