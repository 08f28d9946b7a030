import { Command, InvalidArgumentError, Option } from 'commander';
import type { LintFormat } from '../lint/format.ts';
import { lintCommand } from './lint-command.ts';

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('give a whole number of warnings, e.g. 0');
  return Number(value);
}

/** The verbs that check flows before a deploy: `chartbot lint` and `chartbot migrate`. */
export function registerFlowCommands(program: Command): void {
  program
    .command('lint')
    .description('check flow files for conversation bugs (default: every flow in FLOWS_DIR or ./flows); exit 1 on errors')
    .argument('[files...]', 'flow files or folders')
    .addOption(new Option('--format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .addOption(new Option('--max-warnings <n>', 'fail when there are more warnings than this').argParser(count))
    .action(async (files: string[], options: { format: LintFormat; maxWarnings?: number }) => {
      process.exitCode = await lintCommand(files, { format: options.format, maxWarnings: options.maxWarnings ?? -1 }, (text) => process.stdout.write(text));
    });
}
