import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ChatSession } from './chat-session.ts';
import { flowsAt } from './flow-files.ts';

export interface ChatCommandOptions {
  persist: boolean;
  data: string;
  fresh?: boolean;
  name?: string;
  phone?: string;
}

/**
 * `chartbot chat [flow]`: talk to a flow in the terminal. Reads lines from stdin (a terminal or a
 * pipe, so it can be scripted and tested) and prints the bot's messages.
 */
export async function chatCommand(flowPath: string | undefined, options: ChatCommandOptions): Promise<void> {
  const flows = await flowsAt(flowPath);
  if (options.fresh) await rm(options.data, { recursive: true, force: true });
  const { session, lines } = await ChatSession.open({
    flows,
    ...(options.persist ? { dataDir: options.data } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(options.phone ? { phone: options.phone } : {}),
    ...(process.env.CHARTBOT_FLOW ? { defaultFlow: process.env.CHARTBOT_FLOW } : {}),
  });
  const interactive = process.stdin.isTTY === true;
  const print = (out: string[]) => out.length && process.stdout.write(out.join('\n') + '\n');
  print(lines);
  // In a terminal readline needs the output to show the prompt and echo what is typed (it puts the
  // terminal in raw mode); from a pipe there is nothing to echo, and the lines are printed below.
  const input = interactive
    ? createInterface({ input: process.stdin, output: process.stdout, terminal: true, prompt: 'you> ' })
    : createInterface({ input: process.stdin, terminal: false });
  if (interactive) input.prompt();
  // Lines are handled one at a time even when a pipe delivers them all at once.
  for await (const line of input) {
    if (!interactive && line.trim() !== '') print([`you> ${line}`]);
    const { lines: out, quit } = await session.handle(line);
    print(out);
    if (quit) break;
    if (interactive) input.prompt();
  }
  input.close();
  await session.close();
}
