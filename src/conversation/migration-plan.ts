import { FlowConfigError, type FlowRegistry } from './flow-registry.ts';
import { migrateConversation, type MigrationResult } from './flow-migration.ts';
import { leafPaths } from './migration-helpers.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { SessionStore } from '../store/session-store.ts';

/** What will become of one saved conversation under the current flows. */
export type PlannedOutcome = 'migrate' | 'fit' | 'restart';

/** One line of `chartbot migrate`'s table: the saved conversations of one flow, version and state that share an outcome. */
export interface MigrationRow {
  flow: string;
  /** The version they were written with. */
  from: number;
  /** The flow's version now. */
  to: number;
  /** Where they are (dotted paths; several for parallel states). */
  state: string;
  outcome: PlannedOutcome;
  conversations: number;
  /** For restarts: why (the first conversation's reason; the others of the row share the state). */
  reason?: string;
}

/** What `planMigrations` found: per flow, version and state, how many saved conversations fit, migrate or restart. */
export interface MigrationPlan {
  rows: MigrationRow[];
  /** Stored contacts with no conversation going on (never started, or finished). */
  idle: number;
  totals: Record<PlannedOutcome, number>;
  /** With `apply`: conversations migrated and saved. */
  applied: number;
}

const stateOf = (snapshot: unknown): string => {
  const value = (snapshot as { value?: unknown } | undefined)?.value;
  try {
    return leafPaths(value as never).map((path) => path.join('.')).join(', ') || '?';
  } catch {
    return '?';
  }
};

/** What the runtime would do with one saved conversation at its next step (route changes included). */
function judge(record: ContactRecord, registry: FlowRegistry): { flow: string; result: MigrationResult } {
  let flow;
  try {
    flow = registry.forNumber(record.businessNumberId);
  } catch (error) {
    if (!(error instanceof FlowConfigError)) throw error;
    const versions = { from: record.flowVersion ?? 1, to: record.flowVersion ?? 1 };
    return { flow: record.flow ?? '?', result: { ...versions, outcome: 'restart', reason: error.message } };
  }
  if (record.flow !== undefined && record.flow !== flow.name) {
    return {
      flow: record.flow,
      result: { from: record.flowVersion ?? 1, to: flow.version ?? 1, outcome: 'restart', reason: `number ${record.businessNumberId} is now served by flow ${flow.name}` },
    };
  }
  const result = migrateConversation(flow, { snapshot: record.snapshot, timers: record.timers, version: record.flowVersion }, { verify: 'always' });
  return { flow: flow.name, result };
}

/**
 * `chartbot migrate`: reads every saved conversation through the store and decides, with the flows
 * as they are now, which would migrate, fit as they are, or restart. With `apply`, the migrated ones
 * are saved migrated (and fitting ones of an older version get the new version noted); restarts are
 * left as they are, for the runtime to restart (logged and counted) when they next get a message,
 * so a later fix of the migration can still save them.
 */
export async function planMigrations(
  store: SessionStore,
  registry: FlowRegistry,
  options: { apply?: boolean; now?: number } = {},
): Promise<MigrationPlan> {
  const rows = new Map<string, MigrationRow>();
  const plan: MigrationPlan = { rows: [], idle: 0, totals: { migrate: 0, fit: 0, restart: 0 }, applied: 0 };
  const keys = (await store.keys()).sort();
  for (const key of keys) {
    const record = await store.load(key);
    if (!record || record.snapshot === undefined) {
      plan.idle++;
      continue;
    }
    const { flow, result } = judge(record, registry);
    const state = stateOf(record.snapshot);
    const id = JSON.stringify([flow, result.from, result.to, state, result.outcome]);
    const row = rows.get(id) ?? { flow, from: result.from, to: result.to, state, outcome: result.outcome, conversations: 0 };
    if (result.outcome === 'restart' && row.reason === undefined) row.reason = result.reason;
    row.conversations++;
    rows.set(id, row);
    plan.totals[result.outcome]++;
    const changed = result.outcome !== 'restart' && (result.outcome === 'migrate' || record.flowVersion !== result.to || result.droppedTimers.length > 0);
    if (options.apply && result.outcome !== 'restart' && changed) {
      record.snapshot = result.snapshot;
      record.timers = result.timers;
      record.flowVersion = result.to;
      record.updatedAt = options.now ?? Date.now();
      await store.save(record);
      plan.applied++;
    }
  }
  plan.rows = [...rows.values()].sort((a, b) => a.flow.localeCompare(b.flow) || a.state.localeCompare(b.state) || a.from - b.from);
  return plan;
}
