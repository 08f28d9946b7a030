import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { startCommand } from './start.ts';
import { registerTestingCommands } from './testing-commands.ts';
import { templatesCommand } from './templates-command.ts';
import { flowsKeygen } from './flows-keygen.ts';
import { ProviderError } from '../providers/provider.ts';
import { registerFlowCommands } from './flow-commands.ts';

const program = new Command();
program.name('chartbot').description('WhatsApp bots where every conversation is a statechart');

program
  .command('start')
  .description('run the bot: a webhook server configured from environment variables (see docs/configuration.md)')
  .action(async () => {
    await startCommand();
  });

registerTestingCommands(program);
registerFlowCommands(program);

const flows = program.command('flows').description('WhatsApp Flows tools');
flows
  .command('keygen')
  .description('make the RSA key pair of the Flows data endpoint and print how to upload the public key')
  .option('--out <dir>', 'folder for flows-private.pem and flows-public.pem', '.')
  .option('--encrypt', 'encrypt the private key with WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE')
  .action(async (options: { out: string; encrypt?: boolean }) => {
    const passphrase = process.env.WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE;
    if (options.encrypt && !passphrase) throw new ConfigError('--encrypt needs WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE (the passphrase to encrypt the private key with)');
    await flowsKeygen({ out: options.out, ...(options.encrypt && passphrase ? { passphrase } : {}) }, (text) => process.stdout.write(text));
  });

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
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST') {
    process.stderr.write(`chartbot: ${(error as Error).message}: a key file is already there; remove it or pick another --out folder\n`);
    process.exit(1);
  }
  if (error instanceof ProviderError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
