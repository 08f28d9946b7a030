import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { InitError, initCommand, nextSteps } from './init-command.ts';
import { startCommand } from './start.ts';
import { registerTestingCommands } from './testing-commands.ts';

const program = new Command();
program.name('chartbot').description('WhatsApp bots where every conversation is a statechart');

program
  .command('start')
  .description('run the bot: a webhook server configured from environment variables (see docs/configuration.md)')
  .option('--env <file>', 'read variables from this file when it exists (the real environment wins)')
  .action(async (options: { env?: string }) => {
    if (options.env && existsSync(options.env)) process.loadEnvFile(options.env);
    await startCommand();
  });

program
  .command('init')
  .description('create a new bot project: a support flow, its tests, package.json, tsconfig.json, .env.example')
  .argument('[dir]', 'folder for the project (created if missing; must be empty)', '.')
  .option('--name <name>', "the project's package name (default: the folder's name)")
  .option('--force', 'write into a folder that is not empty (files with the same names are replaced)')
  .action(async (dir: string, options: { name?: string; force?: boolean }) => {
    try {
      process.stdout.write(nextSteps(await initCommand(dir, options)));
    } catch (error) {
      if (!(error instanceof InitError)) throw error;
      process.stderr.write(`chartbot init: ${error.message}\n`);
      process.exitCode = 2;
    }
  });

registerTestingCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof FlowConfigError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
