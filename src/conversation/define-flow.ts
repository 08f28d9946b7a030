import type { AnyStateMachine } from 'xstate';
import type { Contact } from '../messages/inbound-events.ts';
import type { FlowMigrations } from './flow-snapshot.ts';
import { FlowConfigError } from './flow-registry.ts';

export type { FlowMigrations, FlowSnapshot, SnapshotMigration, VersionsBelow } from './flow-snapshot.ts';

/** What a flow machine receives as `input` when a contact's conversation starts. */
export interface FlowInput {
  contact: Contact;
  businessNumberId: string;
}

/** How a flow's hand-overs (states tagged `handover`) behave; see docs/handover.md. */
export interface HandoverFlowOptions {
  /**
   * When no agent has written this long after the hand-over started, the machine gets
   * `agent.timeout` (a persisted timer: it survives restarts). No timeout unless set.
   */
  timeoutMs?: number;
  /** Mark the user's messages read (blue ticks) during a hand-over, as outside it (default true). */
  markRead?: boolean;
}

/**
 * A flow file's default export. `V` is the flow's version as a literal type, so that `migrate`
 * only accepts the versions below it.
 */
export interface FlowDefinition<TMachine extends AnyStateMachine = AnyStateMachine, V extends number = number> {
  machine: TMachine;
  /** Defaults to the file name without extension. */
  name?: string;
  description?: string;
  /**
   * `phone_number_id`s this flow serves. A flow without `numbers` serves every number that no
   * other flow claims.
   */
  numbers?: string[];
  /** Marks the catch-all flow when several flows have no `numbers`. */
  default?: boolean;
  /** Hand-over settings: `agent.timeout` after `timeoutMs`, read receipts. */
  handover?: HandoverFlowOptions;
  /**
   * The version of the flow's states and context: a whole number from 1 (the default). Bump it
   * with a deploy that renames, moves or removes states, or changes the context's shape; every saved
   * conversation notes the version it was written with, and older ones pass through `migrate`.
   */
  version?: V;
  /**
   * How saved conversations of older versions follow: `migrate[n]` turns a snapshot of version n
   * into version n + 1 (1→2→3, step by step, when a conversation is next loaded). A version with no
   * entry needs no change. See `renameState`, `moveState`, `defaultContext`.
   */
  // NoInfer: the version alone decides V; the migrations are then checked (and typed) against it.
  migrate?: NoInfer<FlowMigrations<V>>;
}

/** A flow definition as the runtime uses it. */
export interface Flow {
  name: string;
  machine: AnyStateMachine;
  description?: string;
  numbers?: string[];
  default?: boolean;
  handover?: HandoverFlowOptions;
  /** Where it was loaded from, when it came from a file. */
  file?: string;
  /** The flow's version (undefined: 1). */
  version?: number;
  /** Migrations from older versions, by the version they start from. */
  migrate?: FlowMigrations;
}

const FLOW = Symbol.for('chartbot.flow');

/**
 * Checks `version` and `migrate` (the types catch most mistakes; flows written in JavaScript, or
 * with a computed version, are checked here). Throws a FlowConfigError that says what to fix.
 */
export function checkVersioning(definition: { name?: string; version?: unknown; migrate?: unknown }, where = definition.name ?? 'defineFlow'): void {
  const { version, migrate } = definition;
  if (version !== undefined && !(typeof version === 'number' && Number.isSafeInteger(version) && version >= 1)) {
    throw new FlowConfigError(`${where}: version must be a whole number from 1, got ${JSON.stringify(version)}`);
  }
  if (migrate === undefined) return;
  if (typeof migrate !== 'object' || migrate === null || Array.isArray(migrate)) {
    throw new FlowConfigError(`${where}: migrate must be an object such as { 1: (snapshot) => snapshot }, by the version each migration starts from`);
  }
  const current = (version as number | undefined) ?? 1;
  for (const [key, step] of Object.entries(migrate)) {
    const from = Number(key);
    if (!Number.isSafeInteger(from) || from < 1 || from >= current) {
      throw new FlowConfigError(
        `${where}: migrate[${key}] cannot be used: keys are the versions a migration starts from, 1 to ${current - 1} for version ${current}` +
          (current === 1 ? ' (set version: 2 or more first)' : ''),
      );
    }
    if (typeof step !== 'function') throw new FlowConfigError(`${where}: migrate[${key}] must be a function (snapshot) => snapshot`);
  }
}

/**
 * Wraps a machine with metadata (name, which numbers it serves, version and migrations). A flow
 * file may default-export either a bare machine or `defineFlow({ machine, … })`.
 *
 * ```ts
 * export default defineFlow({
 *   machine,
 *   version: 3,
 *   migrate: { 1: renameState('menu', 'home'), 2: defaultContext({ tickets: 0 }) },
 * });
 * ```
 */
export function defineFlow<TMachine extends AnyStateMachine, const V extends number = 1>(
  definition: FlowDefinition<TMachine, V>,
): FlowDefinition<TMachine, V> {
  checkVersioning(definition);
  return Object.assign({ ...definition }, { [FLOW]: true });
}

export function isFlowDefinition(value: unknown): value is FlowDefinition {
  return typeof value === 'object' && value !== null && (FLOW in value || 'machine' in value);
}
