import { Command, Option } from 'commander';
import { examples } from './help-text.ts';
import { chatCommand } from './chat-command.ts';
import { graphCommand, type GraphFormat } from './graph-command.ts';
import { testCommand } from './test-command.ts';

/** The verbs of issue "testing toolkit": `chartbot test`, `chartbot chat`, `chartbot graph`. */
export function registerTestingCommands(program: Command): void {
  program
    .command('test')
    .description('play transcript files (.transcript, default: everything under test/) against their flows')
    .argument('[paths...]', 'transcript files or folders (default: everything under test/)')
    .option('--flow <file>', 'flow for transcripts without a "flow:" line (default: none; such a transcript fails)')
    .option('--coverage', 'report the states and transitions the transcripts never exercised (default: off)')
    .addHelpText('after', examples('chartbot test test/transcripts --coverage'))
    .action(async (paths: string[], options: { flow?: string; coverage?: boolean }) => {
      process.exitCode = await testCommand(paths, options, (text) => process.stdout.write(text));
    });

  program
    .command('chat')
    .description('talk to a flow in the terminal (production runtime, fake clock; works with piped stdin)')
    .argument('[flow]', 'flow file or folder (default: FLOWS_DIR or ./flows)')
    .option('--data <dir>', 'where the conversation is kept between runs', '.chartbot/chat')
    .option('--no-persist', 'keep the conversation in memory only (default: kept in --data)')
    .option('--fresh', 'forget the saved conversation first (default: off)')
    .option('--name <name>', 'your profile name as the flow sees it', 'Tester')
    .option('--phone <waId>', 'your WhatsApp id', '4915550000')
    .addHelpText('after', examples('chartbot chat flows/support.ts --name Anna --fresh'))
    .action(async (flow: string | undefined, options: { data: string; persist: boolean; fresh?: boolean; name: string; phone: string }) => {
      await chatCommand(flow, options);
    });

  program
    .command('graph')
    .description('print a flow as a state diagram (states, events, guards, delays)')
    .argument('<flow>', 'flow file (or a folder: every flow)')
    .addOption(new Option('--format <format>', 'diagram language').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText('after', examples('chartbot graph flows/support.ts --format dot'))
    .action(async (flow: string, options: { format: GraphFormat }) => {
      process.stdout.write(await graphCommand(flow, options.format));
    });
}
