/**
 * `npm run chaos [-- --quick] [--seed N] [--kills N] [--contacts N]`: the chaos test of the inbox
 * journal, the outbox and the store (see docs/reliability.md). Exits 1 when a guarantee failed.
 * `npm run chaos -- --redis [--instances N] [--redis-restarts N] [--lease-ms N] [--quick] …`: several `chartbot
 * start` processes on one Redis, killed and restarted under load, Redis restarted too (see
 * docs/scaling.md).
 * Debugging: CHAOS_OUTPUT=1 prints the bot's output and every failed POST, CHAOS_LOG_LEVEL=info
 * raises the bot's log level.
 */
import { chaosPassed, formatReport, LONG, QUICK, runChaos } from './chaos/run-chaos.ts';
import { formatRedisReport, redisChaosPassed } from './chaos/redis-chaos-report.ts';
import { REDIS_LONG, REDIS_QUICK, runRedisChaos } from './chaos/run-redis-chaos.ts';

const args = process.argv.slice(2);
const value = (name: string): number | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? Number(args[at + 1]) : undefined;
};
const quick = args.includes('--quick');
const log = (line: string) => console.log(line);

if (args.includes('--redis')) {
  const base = quick ? REDIS_QUICK : REDIS_LONG;
  const options = {
    ...base,
    seed: value('seed') ?? base.seed,
    kills: value('kills') ?? base.kills,
    contacts: value('contacts') ?? base.contacts,
    instances: value('instances') ?? base.instances,
    redisRestarts: value('redis-restarts') ?? base.redisRestarts,
    leaseMs: value('lease-ms') ?? base.leaseMs,
    log,
  };
  console.log(`chaos on Redis: ${options.instances} instances, ${options.contacts} contacts, ${options.kills} kills, ${options.redisRestarts} Redis restarts, lease ${options.leaseMs} ms, seed ${options.seed}${quick ? ' (quick)' : ''}`);
  const report = await runRedisChaos(options);
  console.log(formatRedisReport(report));
  const passed = redisChaosPassed(report);
  console.log(passed ? 'PASS' : 'FAIL');
  process.exit(passed ? 0 : 1);
}

const base = quick ? QUICK : LONG;
const options = {
  ...base,
  seed: value('seed') ?? base.seed,
  kills: value('kills') ?? base.kills,
  contacts: value('contacts') ?? base.contacts,
  log,
};
console.log(`chaos: ${options.contacts} contacts, ${options.kills} kills, seed ${options.seed}${quick ? ' (quick)' : ''}`);
const report = await runChaos(options);
console.log(formatReport(report));
const passed = chaosPassed(report, options.contacts);
console.log(passed ? 'PASS' : 'FAIL');
process.exit(passed ? 0 : 1);
