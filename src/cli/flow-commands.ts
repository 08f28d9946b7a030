import { Command, InvalidArgumentError, Option } from 'commander';
import type { LintFormat } from '../lint/format.ts';
import { lintCommand } from './lint-command.ts';
import { migrateCommand } from './migrate-command.ts';

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('give a whole number of warnings, e.g. 0');
  return Number(value);
}

/** Usage mistakes exit 2, so that a pipeline can tell them from findings (exit 1), as ESLint does. */
const usageExitsTwo = (error: { exitCode: number }): never => process.exit(error.exitCode === 0 ? 0 : 2);

/** The verbs that check flows before a deploy: `chartbot lint` and `chartbot migrate`. */
export function registerFlowCommands(program: Command): void {
  program
    .command('lint')
    .exitOverride(usageExitsTwo)
    .description('check flow files for conversation bugs (default: every flow in FLOWS_DIR or ./flows); exit 1 on errors')
    .argument('[files...]', 'flow files or folders')
    .addOption(new Option('--format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .addOption(new Option('--max-warnings <n>', 'fail when there are more warnings than this').argParser(count))
    .action(async (files: string[], options: { format: LintFormat; maxWarnings?: number }) => {
      process.exitCode = await lintCommand(files, { format: options.format, maxWarnings: options.maxWarnings ?? -1 }, (text) => process.stdout.write(text));
    });

  program
    .command('migrate')
    .exitOverride(usageExitsTwo)
    .description('what the current flows do with the saved conversations (migrate, fit, restart); run with the bot stopped')
    .option('--check', 'report only, change nothing; exit 1 when a conversation would restart')
    .option('--apply', 'save every conversation that migrates, migrated, and report the same table')
    .option('--allow-restarts', 'exit 0 even when conversations would restart')
    .option('--flows <path>', 'flow file or folder (default: FLOWS_DIR or ./flows)')
    .option('--data <dir>', 'data folder (default: CHARTBOT_DATA_DIR or ./data)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { check?: boolean; apply?: boolean; allowRestarts?: boolean; flows?: string; data?: string; format: 'table' | 'json' }) => {
      if (Boolean(options.check) === Boolean(options.apply)) {
        process.stderr.write('chartbot migrate: give either --check (report only) or --apply (save the migrated conversations)\n');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await migrateCommand(
        {
          mode: options.check ? 'check' : 'apply',
          format: options.format,
          ...(options.allowRestarts ? { allowRestarts: true } : {}),
          ...(options.flows !== undefined ? { flows: options.flows } : {}),
          ...(options.data !== undefined ? { data: options.data } : {}),
        },
        (text) => process.stdout.write(text),
      );
    });
}
