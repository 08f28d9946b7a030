import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Flow } from '../conversation/define-flow.ts';
import { TEST_BUSINESS_NUMBER } from '../testing/test-bot.ts';
import { runTranscript } from '../testing/transcript-runner.ts';
import { transcriptLine, type StudioInput } from './inputs.ts';
import type { ContactSpec } from './session.ts';
import type { SaveResult } from './view-types.ts';

export interface SaveTranscriptOptions {
  /** The project whose `test/transcripts/` receives the file. */
  projectDir: string;
  flow: Flow & { file: string };
  contact: ContactSpec;
  /** The studio's journal: this contact's actions and every time jump, in order. */
  journal: readonly StudioInput[];
  /** The conversation's state in the studio now, asserted at the end (`state: menu`). */
  state?: string;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'contact';

async function freeName(dir: string, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const file = join(dir, `${base}${n === 1 ? '' : `-${n}`}.transcript`);
    if (!(await stat(file).catch(() => undefined))) return file;
  }
}

/**
 * Writes a contact's conversation as a transcript (`test/transcripts/<flow>-<name>.transcript`)
 * that `chartbot test` replays. The user's lines and waits come from the journal; the bot's lines
 * are what the flow answers when they are replayed through the transcript runner, so the file is
 * exactly what the runner will compare. A second run checks that it replays green.
 */
export async function saveTranscript(options: SaveTranscriptOptions): Promise<SaveResult> {
  const { contact, flow } = options;
  const steps: string[] = [];
  const skipped: string[] = [];
  for (const input of options.journal) {
    const line = transcriptLine(input, contact.key);
    if (line === undefined) continue;
    if ('skip' in line) skipped.push(line.skip);
    else steps.push(line.line);
  }
  if (!steps.some((s) => s.startsWith('user'))) throw new Error(`nothing to save: ${contact.name} has not sent anything yet`);
  if (options.state && !options.state.includes(' + ')) steps.push(`state: ${options.state}`);

  const dir = join(options.projectDir, 'test', 'transcripts');
  await mkdir(dir, { recursive: true });
  const file = await freeName(dir, `${slug(flow.name)}-${slug(contact.name)}`);
  const header = [
    `# ${contact.name} talking to ${flow.name}, recorded in chartbot studio`,
    `flow: ${relative(dirname(file), flow.file).split('\\').join('/')}`,
    `name: ${contact.name}`,
    `phone: ${contact.waId}`,
    ...(contact.businessNumberId === TEST_BUSINESS_NUMBER ? [] : [`number: ${contact.businessNumberId}`]),
    '',
  ];
  // First run: the user's side only; the runner's "actual" lines are the whole conversation.
  await writeFile(file, [...header, ...steps, ''].join('\n'));
  const recorded = await runTranscript(file, { flow });
  const broken = recorded.actual.filter((l) => l.startsWith('! '));
  if (broken.length > 0) {
    await rm(file, { force: true });
    return { file: relative(options.projectDir, file), passed: false, diff: broken.map((l) => l.slice(2)).join('\n'), skipped };
  }
  await writeFile(file, [...header, ...recorded.actual, ''].join('\n'));
  const check = await runTranscript(file, { flow });
  return { file: relative(options.projectDir, file), passed: check.passed, diff: check.diff, skipped };
}
