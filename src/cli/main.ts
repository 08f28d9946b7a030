import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { startCommand } from './start.ts';
import { registerTestingCommands } from './testing-commands.ts';
import { templatesCommand } from './templates-command.ts';
import { ProviderError } from '../providers/provider.ts';

const program = new Command();
program.name('chartbot').description('WhatsApp bots where every conversation is a statechart');

program
  .command('start')
  .description('run the bot: a webhook server configured from environment variables (see README)')
  .action(async () => {
    await startCommand();
  });

registerTestingCommands(program);

program
  .command('templates')
  .description('list the business account\'s message templates and the parameters each send must fill (WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_TOKEN)')
  .action(async () => {
    await templatesCommand(process.env, (text) => process.stdout.write(text));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof FlowConfigError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ProviderError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
