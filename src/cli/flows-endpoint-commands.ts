import type { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { examples } from './help-text.ts';
import { flowsKeygen } from './flows-keygen.ts';
import { templatesCommand } from './templates-command.ts';

/** `chartbot flows keygen` and `chartbot templates`: tools for WhatsApp Flows and message templates. */
export function registerFlowsEndpointCommands(program: Command): void {
  const flows = program.command('flows').description('WhatsApp Flows tools');
  flows
    .command('keygen')
    .description('make the RSA key pair of the Flows data endpoint and print how to upload the public key')
    .option('--out <dir>', 'folder for flows-private.pem and flows-public.pem', '.')
    .option('--encrypt', 'encrypt the private key with WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE (default: off)')
    .addHelpText('after', examples('chartbot flows keygen --out keys'))
    .action(async (options: { out: string; encrypt?: boolean }) => {
      const passphrase = process.env.WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE;
      if (options.encrypt && !passphrase) throw new ConfigError('--encrypt needs WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE (the passphrase to encrypt the private key with)');
      await flowsKeygen({ out: options.out, ...(options.encrypt && passphrase ? { passphrase } : {}) }, (text) => process.stdout.write(text));
    });

  program
    .command('templates')
    .description("list the business account's message templates and the parameters each send must fill (WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_TOKEN)")
    .addHelpText('after', examples('WHATSAPP_BUSINESS_ACCOUNT_ID=1234 WHATSAPP_TOKEN=… chartbot templates'))
    .action(async () => {
      await templatesCommand(process.env, (text) => process.stdout.write(text));
    });
}
