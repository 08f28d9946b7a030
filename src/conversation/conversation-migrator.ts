import type { EventObject } from 'xstate';
import type { Logger } from '../logger.ts';
import type { ContactRecord } from '../store/contact-record.ts';
import type { Flow } from './define-flow.ts';
import { followMoves, migrateConversation } from './flow-migration.ts';
import { leafPaths } from './migration-helpers.ts';

/** How many saved conversations one runtime migrated or had to restart, in total and per flow. */
export interface FlowMigrationCounts {
  migrated: number;
  restarted: number;
  byFlow: Record<string, { migrated: number; restarted: number }>;
}

const stateOf = (snapshot: unknown): string | undefined => {
  const value = (snapshot as { value?: unknown } | undefined)?.value;
  try {
    return value === undefined ? undefined : leafPaths(value as never).map((path) => path.join('.')).join(', ');
  } catch {
    return undefined;
  }
};

/**
 * The runtime's side of versioned flows: before a step, a record written with an older flow
 * version is migrated in place (and saved by that step); one that cannot be is restarted, as a
 * conversation whose state vanished always was, but logged as an error and counted.
 */
export class ConversationMigrator {
  private readonly totals: FlowMigrationCounts = { migrated: 0, restarted: 0, byFlow: {} };

  /** The counts so far (a copy). */
  get counts(): FlowMigrationCounts {
    return structuredClone(this.totals);
  }

  private count(flow: string, outcome: 'migrated' | 'restarted'): void {
    this.totals[outcome]++;
    const perFlow = (this.totals.byFlow[flow] ??= { migrated: 0, restarted: 0 });
    perFlow[outcome]++;
  }

  /**
   * Brings `record` to `flow`'s version (changing it in place) and returns the event to deliver:
   * `event` itself, or, for a due `after` timer of a state that moved, the same timer in its new place.
   */
  upgrade(record: ContactRecord, flow: Flow, event: EventObject, logger: Logger): EventObject {
    const to = flow.version ?? 1;
    const from = record.flowVersion ?? 1;
    record.flowVersion = to;
    if (record.snapshot === undefined || from === to) return event;
    const result = migrateConversation(flow, { snapshot: record.snapshot, timers: record.timers, version: from });
    const context = { contact: record.key, flow: flow.name, from, to, state: stateOf(record.snapshot) };
    if (result.outcome === 'restart') {
      logger.error({ ...context, reason: result.reason }, 'saved conversation does not fit the new flow version: starting it over');
      this.count(flow.name, 'restarted');
      delete record.snapshot;
      record.timers = [];
      return event;
    }
    record.snapshot = result.snapshot;
    record.timers = result.timers;
    if (result.droppedTimers.length) logger.info({ ...context, timers: result.droppedTimers.map((t) => t.id) }, 'timers of states the migrated conversation left were dropped');
    if (result.outcome === 'migrate') {
      logger.info({ ...context, now: stateOf(result.snapshot) }, 'saved conversation migrated to the new flow version');
      this.count(flow.name, 'migrated');
    }
    const type = followMoves(flow.machine, result.moves, event.type);
    return type === event.type ? event : { ...event, type };
  }

  /** Counts a restart the step itself had to make (a saved state that no longer restores into the flow). */
  restarted(flow: string): void {
    this.count(flow, 'restarted');
  }
}
