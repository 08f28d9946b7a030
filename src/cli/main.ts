import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { startCommand } from './start.ts';
import { registerTestingCommands } from './testing-commands.ts';
import { registerDevCommand } from '../studio/dev-command.ts';

const program = new Command();
program.name('chartbot').description('WhatsApp bots where every conversation is a statechart');

program
  .command('start')
  .description('run the bot: a webhook server configured from environment variables (see README)')
  .action(async () => {
    await startCommand();
  });

registerTestingCommands(program);
registerDevCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof FlowConfigError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
