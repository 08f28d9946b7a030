/**
 * `npm run chaos [-- --quick] [--seed N] [--kills N] [--contacts N]`: the chaos test of the inbox
 * journal, the outbox and the store (see docs/reliability.md). Exits 1 when a guarantee failed.
 * Debugging: CHAOS_OUTPUT=1 prints the bot's output and every failed POST, CHAOS_LOG_LEVEL=info
 * raises the bot's log level.
 */
import { chaosPassed, formatReport, LONG, QUICK, runChaos } from './chaos/run-chaos.ts';

const args = process.argv.slice(2);
const value = (name: string): number | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? Number(args[at + 1]) : undefined;
};
const base = args.includes('--quick') ? QUICK : LONG;
const options = {
  ...base,
  seed: value('seed') ?? base.seed,
  kills: value('kills') ?? base.kills,
  contacts: value('contacts') ?? base.contacts,
  log: (line: string) => console.log(line),
};
console.log(`chaos: ${options.contacts} contacts, ${options.kills} kills, seed ${options.seed}${args.includes('--quick') ? ' (quick)' : ''}`);
const report = await runChaos(options);
console.log(formatReport(report));
const passed = chaosPassed(report, options.contacts);
console.log(passed ? 'PASS' : 'FAIL');
process.exit(passed ? 0 : 1);
