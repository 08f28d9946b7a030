import { createFlowRegistry } from '../conversation/flow-registry.ts';
import { planMigrations, type MigrationPlan } from '../conversation/migration-plan.ts';
import { lowdbStore } from '../store/lowdb-store.ts';
import type { SessionStore } from '../store/session-store.ts';
import { openRedisForTools } from '../redis/redis-for-tools.ts';
import { flowsAt } from './flow-files.ts';

export interface MigrateCommandOptions {
  mode: 'check' | 'apply';
  /** Flow file or folder (default: FLOWS_DIR, else ./flows). */
  flows?: string;
  /** Data folder (default: CHARTBOT_DATA_DIR, else ./data). */
  data?: string;
  allowRestarts?: boolean;
  format: 'table' | 'json';
}

const n = (value: number) => value.toLocaleString('en-US');

function table(plan: MigrationPlan): string[] {
  const reasons = plan.rows.some((row) => row.reason !== undefined);
  const header = ['flow', 'version', 'state', 'conversations', 'outcome', ...(reasons ? ['reason'] : [])];
  const rows = plan.rows.map((row) => [
    row.flow,
    row.from === row.to ? String(row.to) : `${row.from} → ${row.to}`,
    row.state,
    n(row.conversations),
    row.outcome,
    ...(reasons ? [row.reason ?? ''] : []),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column] ?? 0) : cell))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * `chartbot migrate --check | --apply`: for the flows as they are now, what becomes of every saved
 * conversation in the data folder (migrate, fit, restart), by flow and state. Run it with the bot
 * stopped (two processes must not write one data folder). Resolves with the exit status: 1 when a
 * conversation would restart and `allowRestarts` is not set, else 0.
 */
export async function migrateCommand(options: MigrateCommandOptions, write: (text: string) => void, env: Record<string, string | undefined> = process.env): Promise<number> {
  const flows = await flowsAt(options.flows, env);
  const registry = createFlowRegistry(flows, env.CHARTBOT_FLOW ? { defaultFlow: env.CHARTBOT_FLOW } : {});
  const { store, where, close } = await openStore(options, env);
  let plan: MigrationPlan;
  try {
    plan = await planMigrations(store, registry, { apply: options.mode === 'apply' });
  } finally {
    await close();
  }
  const restarts = plan.totals.restart;
  const failed = restarts > 0 && !options.allowRestarts;
  if (options.format === 'json') {
    write(JSON.stringify({ mode: options.mode, ...where, ...plan }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const conversations = plan.totals.migrate + plan.totals.fit + restarts;
  const place = 'redis' in where ? `Redis ${where.redis}` : where.dataDir;
  const lines = [`chartbot migrate --${options.mode}: ${n(conversations)} saved conversation${conversations === 1 ? '' : 's'} in ${place}`, ''];
  if (plan.rows.length) lines.push(...table(plan), '');
  lines.push(`${n(plan.totals.migrate)} migrate, ${n(plan.totals.fit)} fit, ${n(restarts)} restart (${n(plan.idle)} contact${plan.idle === 1 ? '' : 's'} without a conversation)`);
  if (options.mode === 'apply') {
    lines.push(`applied: ${n(plan.applied)} saved with the current flow version${restarts ? `; ${n(restarts)} left as they are, to restart at their next message` : ''}`);
  }
  if (failed) {
    lines.push(`✖ ${n(restarts)} conversation${restarts === 1 ? '' : 's'} would restart: add a migration to the flow (defineFlow({ version, migrate })), or pass --allow-restarts to accept`);
  }
  write(lines.join('\n') + '\n');
  return failed ? 1 : 0;
}

/**
 * The saved conversations: in Redis when CHARTBOT_REDIS_URL is set (writes then take each contact's
 * lease, so running instances are never overwritten), else in the data folder (the bot stopped).
 */
async function openStore(options: MigrateCommandOptions, env: Record<string, string | undefined>): Promise<{ store: SessionStore; where: { dataDir: string } | { redis: string }; close: () => Promise<void> }> {
  if (env.CHARTBOT_REDIS_URL) {
    const tools = await openRedisForTools(env.CHARTBOT_REDIS_URL, env.CHARTBOT_REDIS_PREFIX ?? 'chartbot:');
    return { store: tools.store, where: { redis: tools.where }, close: tools.close };
  }
  const dir = options.data ?? env.CHARTBOT_DATA_DIR ?? './data';
  const journal = env.CHARTBOT_STORE_JOURNAL;
  const store = await lowdbStore({ dir, writeAhead: journal === undefined || journal === 'true' || journal === '1' });
  return { store, where: { dataDir: dir }, close: () => store.close() };
}
