import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateValue } from 'xstate';
import type { Flow } from '../conversation/define-flow.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import type { StepReport } from '../conversation/runtime-events.ts';
import { contactKey } from '../store/contact-record.ts';
import { renderSent } from '../testing/bot-message.ts';
import { describeFailure, FlowStepError } from '../testing/flow-failures.ts';
import { stateLabel } from '../testing/state-paths.ts';
import { createTestBot, type TestBot } from '../testing/test-bot.ts';
import type { TestContact } from '../testing/test-contact.ts';
import { ACTION_USAGE, isActionVerb, performAction } from '../testing/user-actions.ts';

export interface ChatOptions {
  flows: Flow[];
  /** lowdb folder that keeps the conversation between runs; undefined: in memory only. */
  dataDir?: string;
  name?: string;
  phone?: string;
  defaultFlow?: string;
}

/** The bot messages of earlier runs, so that their buttons can still be tapped after a restart. */
interface SavedMessage {
  message: OutboundMessage;
  messageId?: string;
}
/**
 * What the simulator keeps next to the store. The fake clock's time is kept too: `/wait 1h` moved
 * the conversation an hour ahead of real time, and its stored timers are on that time line.
 */
interface SavedChat {
  clock: number;
  messages: SavedMessage[];
}
const HISTORY_FILE = 'chat-history.json';
const HISTORY_KEPT = 50;

export interface ChatOutput {
  lines: string[];
  quit: boolean;
}

const HELP = [
  'Type a message and press enter. Buttons and list rows are numbered: type the number to tap one.',
  ...Object.entries(ACTION_USAGE)
    .filter(([verb]) => verb !== 'text')
    .map(([verb, usage]) => `  /${verb.padEnd(9)} ${usage}`),
  '  /wait      a duration, e.g. 10m or 1h30m (fires the flow\'s timers)',
  '  /state     the current state and its tags',
  '  /context   the machine\'s context',
  '  /reset     forget this conversation and start over',
  '  /quit      leave (the conversation is kept unless --no-persist)',
];

/**
 * The terminal simulator's logic: one line in, the lines to print out. It drives a TestBot, so the
 * conversation runs through the production runtime with a fake clock that only `/wait` moves.
 */
export class ChatSession {
  /** What the runtime reported about this contact's steps since the last output (restarts, ignored events). */
  private notices: string[] = [];

  private constructor(
    private readonly bot: TestBot,
    private readonly contact: TestContact,
    private readonly historyFile: string | undefined,
  ) {
    const key = contactKey(contact.businessNumberId, contact.waId);
    bot.runtime.on('step', (report) => {
      if (report.key === key) this.notices.push(...stepNotices(report));
    });
  }

  static async open(options: ChatOptions): Promise<{ session: ChatSession; lines: string[] }> {
    const historyFile = options.dataDir ? join(options.dataDir, HISTORY_FILE) : undefined;
    const earlier = historyFile ? await readHistory(historyFile) : { clock: 0, messages: [] };
    const bot = await createTestBot({
      flows: options.flows,
      startAt: Math.max(Date.now(), earlier.clock),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.defaultFlow ? { defaultFlow: options.defaultFlow } : {}),
    });
    const contact = bot.contact(options.phone ?? '4915550000', { name: options.name ?? 'Tester' });
    const session = new ChatSession(bot, contact, historyFile);
    for (const saved of earlier.messages) contact.recordReply({ key: '', businessNumberId: contact.businessNumberId, to: contact.waId, ...saved });
    const last = contact.lastMessage;
    const recap = last ? ['(the bot\'s last message)', ...renderSent(last, { numberFrom: 1 })] : [];
    // Timers that came due while the simulator was not running fire now, as after a server restart.
    const due = await session.interpret('/wait 0s', false);
    const flows = options.flows.map((f) => f.name).join(', ');
    const missing = contact.savedStateMissing;
    const resumed = missing
      ? `saved state "${missing}" no longer exists in the flow: your next message starts the conversation over`
      : contact.state === undefined
        ? 'new conversation'
        : `continuing in state ${contact.state}`;
    const lines = [`chartbot chat: ${flows} (${resumed}); /help lists commands`, ...recap, ...due.lines];
    await session.saveHistory();
    return { session, lines };
  }

  async handle(input: string): Promise<ChatOutput> {
    const output = await this.interpret(input);
    await this.saveHistory();
    return output;
  }

  /** One line in; notices of the steps it caused (a restart, an ignored message) come before the replies. */
  private async interpret(input: string, announceWait = true): Promise<ChatOutput> {
    const line = input.trim();
    if (line === '') return { lines: [], quit: false };
    this.notices = [];
    let output: ChatOutput;
    try {
      if (!line.startsWith('/')) {
        await this.sendOrChoose(line);
        output = { lines: this.replies(), quit: false };
      } else {
        const [, command = '', argument = ''] = /^\/(\S+)\s*(.*)$/.exec(line) ?? [];
        output = await this.command(command.toLowerCase(), argument, announceWait);
      }
    } catch (error) {
      // A flow that failed, a wrong command or a tap on something not offered: say so and keep chatting.
      output = { lines: problemLines(error), quit: false };
    }
    return { ...output, lines: [...this.notices.splice(0), ...output.lines] };
  }

  async close(): Promise<void> {
    await this.bot.close();
  }

  private async command(command: string, argument: string, announceWait = true): Promise<ChatOutput> {
    const out = (lines: string[], quit = false): ChatOutput => ({ lines, quit });
    switch (command) {
      case 'help':
        return out(HELP);
      case 'quit':
      case 'exit':
        return out([], true);
      case 'wait':
        await this.bot.advance(argument || '0s');
        return out([...(announceWait ? [`(${argument || '0s'} later)`] : []), ...this.replies()]);
      case 'state': {
        const tags = this.contact.tags.length ? ` (tags: ${this.contact.tags.join(', ')})` : '';
        return out([`state: ${this.contact.state ?? '(not started)'}${tags}${this.contact.done ? ' (finished)' : ''}`]);
      }
      case 'context':
        return out(JSON.stringify(this.contact.context() ?? null, null, 2).split('\n'));
      case 'reset':
        await this.bot.reset(this.contact);
        return out(['(conversation reset: the next message starts over)']);
      default:
        if (!isActionVerb(command) || command === 'text') throw new Error(`unknown command /${command}: /help lists commands`);
        await performAction(this.contact, command, argument);
        return out(this.replies());
    }
  }

  /** A bare number picks the numbered button or row of the last interactive message. */
  private async sendOrChoose(line: string): Promise<void> {
    const offer = this.contact.offer();
    const number = /^\d+$/.test(line) ? Number(line) : undefined;
    if (number === undefined || !offer || offer.choices.length === 0) return this.contact.send(line);
    const choice = offer.choices[number - 1];
    if (!choice) throw new Error(`choose 1-${offer.choices.length} (or type a message)`);
    return offer.kind === 'list' ? this.contact.pick(choice.id) : this.contact.tap(choice.id);
  }

  private async saveHistory(): Promise<void> {
    if (!this.historyFile) return;
    const messages: SavedMessage[] = this.contact.messages
      .slice(-HISTORY_KEPT)
      .map((m) => ({ message: m.message, ...(m.messageId === undefined ? {} : { messageId: m.messageId }) }));
    const saved: SavedChat = { clock: this.bot.clock.now(), messages };
    await writeFile(this.historyFile, JSON.stringify(saved));
  }

  private replies(): string[] {
    // A Flow's data-endpoint answer (after /open, /fill, /back) first, then the chat messages of that step.
    const screen = this.contact.takeScreenLine();
    return [...(screen === undefined ? [] : [screen]), ...this.contact.replies.flatMap((m) => renderSent(m, { numberFrom: 1 }))];
  }
}

/** What the user should know about a step of their conversation, beyond the replies. */
function stepNotices(report: StepReport): string[] {
  const notices: string[] = [];
  if (report.restarted) {
    const was = report.before === undefined ? '' : ` (state "${stateLabel(report.before as StateValue)}" no longer exists)`;
    notices.push(`(the flow changed since this conversation was saved${was}: the conversation started over)`);
  }
  if (report.unhandled) {
    const state = report.restarted || report.before === undefined ? report.after : report.before;
    const where = state === undefined ? '' : ` in state "${stateLabel(state as StateValue)}"`;
    notices.push(`(no transition for ${report.eventType}${where}: the bot did nothing with it)`);
  }
  return notices;
}

/** An error as `! …` lines: a flow failure names flow, state, event and cause; the rest their first lines. */
function problemLines(error: unknown): string[] {
  if (error instanceof FlowStepError) {
    const where = flowFrame(error.cause);
    return [
      ...error.failures.map((report) => `! ${describeFailure(report)}`),
      ...(where ? [`!   ${where}`] : []),
      `! (the conversation stays in state "${error.state}"; fix the flow and try again)`,
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n\nWhole conversation')[0] ?? '').split('\n').map((l) => `! ${l}`);
}

/** The first stack frame outside chartbot and node_modules: where in the flow it failed. */
function flowFrame(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const own = new URL('..', import.meta.url).pathname; // chartbot's src/
  return error.stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .find((line) => line.startsWith('at ') && !line.includes('/node_modules/') && !line.includes(own) && !line.includes('node:'));
}

async function readHistory(file: string): Promise<SavedChat> {
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Partial<SavedChat>;
    return { clock: Number(saved.clock) || 0, messages: Array.isArray(saved.messages) ? saved.messages : [] };
  } catch {
    return { clock: 0, messages: [] }; // first run, or an unreadable file: the conversation state itself is in the store
  }
}
