import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { environmentHelp, examples } from './help-text.ts';
import { InitError, initCommand, nextSteps } from './init-command.ts';
import { startCommand } from './start.ts';
import { registerTestingCommands } from './testing-commands.ts';
import { registerFlowCommands } from './flow-commands.ts';
import { registerFlowsEndpointCommands } from './flows-endpoint-commands.ts';
import { registerDevCommand } from '../studio/dev-command.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('a port number from 0 to 65535 is expected.');
  return Number(value);
}

/** The `chartbot` command line: every command, its options and its help. */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('chartbot')
    .description('WhatsApp bots where every conversation is a statechart')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', `${examples('chartbot init my-bot', 'chartbot start --port 8080', 'chartbot test', 'chartbot chat flows/support.ts')}\nEach command's options, defaults and an example: chartbot <command> --help\n`);

  program
    .command('start')
    .description('run the bot: a webhook server configured from environment variables')
    .option('--port <port>', 'HTTP port; wins over PORT (default: PORT, else 3000)', portNumber)
    .option('--env <file>', 'read variables from this file first, when it exists; the real environment wins over it (default: none)')
    .addHelpText('after', environmentHelp() + examples('chartbot start --port 8080 --env .env'))
    .action(async (options: { port?: number; env?: string }) => {
      if (options.env && existsSync(options.env)) process.loadEnvFile(options.env);
      await startCommand(process.env, options.port === undefined ? {} : { port: options.port });
    });

  program
    .command('init')
    .description('create a new bot project: a support flow, its tests, package.json, tsconfig.json, .env.example')
    .argument('[dir]', 'folder for the project (created if missing; must be empty)', '.')
    .option('--name <name>', "the project's package name (default: the folder's name)")
    .option('--force', 'write into a folder that is not empty; files with the same names are replaced (default: off)')
    .addHelpText('after', examples('chartbot init my-bot'))
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
  registerFlowCommands(program);
  registerFlowsEndpointCommands(program);
  registerDevCommand(program);
  return program;
}
