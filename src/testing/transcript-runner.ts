import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { diffArrays } from 'diff';
import type { CoverageRecorder } from './coverage.ts';
import { createTestBot, type FlowSource } from './test-bot.ts';
import { parseTranscript } from './transcript-format.ts';
import { performAction } from './user-actions.ts';

/** Options of `runTranscript` and `expectTranscript`. */
export interface TranscriptOptions {
  /** The flow to talk to (default: the transcript's `flow:` line, relative to the transcript file). */
  flow?: FlowSource;
  /** Adds the run to a shared coverage recorder. */
  coverage?: CoverageRecorder;
}

/** The outcome of replaying a transcript: passed or not, and the conversation side by side. */
export interface TranscriptResult {
  file: string;
  passed: boolean;
  /** The conversation as written and as it happened, line by line. */
  expected: string[];
  actual: string[];
  /** The whole conversation with `-` (expected, missing) and `+` (actual, unexpected) lines; '' when it passed. */
  diff: string;
}

/** The whole conversation, lines marked `- ` (expected but missing), `+ ` (sent but not expected), or `  `. */
export function conversationDiff(expected: readonly string[], actual: readonly string[]): string {
  return diffArrays(expected as string[], actual as string[])
    .flatMap((part) => part.value.map((line) => `${part.added ? '+ ' : part.removed ? '- ' : '  '}${line}`))
    .join('\n');
}

const DEFAULT_PHONE = '4915550000';

/**
 * Plays a transcript file against its flow through the production runtime (fake clock) and
 * compares the whole conversation. The user's lines are replayed; the bot's lines are what it sent.
 */
export async function runTranscript(file: string, options: TranscriptOptions = {}): Promise<TranscriptResult> {
  const transcript = parseTranscript(await readFile(file, 'utf8'), file);
  const flow = options.flow ?? (transcript.flow ? resolve(dirname(file), transcript.flow) : undefined);
  if (flow === undefined) throw new TranscriptFlowMissingError(file);
  const bot = await createTestBot({
    flow,
    ...(options.coverage ? { coverage: options.coverage } : {}),
    ...(transcript.number === undefined ? {} : { businessNumberId: transcript.number }),
  });
  const contact = bot.contact(transcript.phone ?? DEFAULT_PHONE, transcript.name === undefined ? {} : { name: transcript.name });
  const actual: string[] = [];
  try {
    for (const step of transcript.steps) {
      if (step.kind === 'state') {
        actual.push(contact.matches(step.path) ? step.line : `state: ${contact.state ?? '(not started)'}`);
        continue;
      }
      actual.push(step.line);
      try {
        if (step.kind === 'wait') await bot.advance(step.ms);
        else if (step.kind === 'agent') await (step.action === 'says' ? bot.agent(step.agent).says(contact, step.text) : bot.agent(step.agent).resolves(contact));
        else await performAction(contact, step.verb, step.argument);
      } catch (error) {
        // A tap on something the bot did not offer, or a flow that failed (FlowStepError), ends the
        // run: show why, at the place it happened. The transcript then fails with that line.
        const reason = String((error as Error).message ?? error).split('\n\nWhole conversation')[0];
        actual.push(...(reason ?? '').split('\n').map((l) => `! ${l}`));
        break;
      }
      const answered = contact.takeScreenLine();
      if (answered !== undefined) actual.push(answered);
      for (const reply of contact.replies) actual.push(...reply.rendered.split('\n'));
    }
  } finally {
    await bot.close();
  }
  const passed = actual.length === transcript.expected.length && actual.every((line, i) => line === transcript.expected[i]);
  return { file, passed, expected: transcript.expected, actual, diff: passed ? '' : conversationDiff(transcript.expected, actual) };
}

/** A transcript names no flow and none was given; `chartbot test` says `--flow` instead of `{ flow }`. */
export class TranscriptFlowMissingError extends Error {
  override readonly name = 'TranscriptFlowMissingError';
  constructor(readonly file: string) {
    super(`${file}: no flow: add a "flow: <path>" line at the top or pass { flow }`);
  }
}

/** Thrown by `expectTranscript` when the conversation went differently; its message holds the diff. */
export class TranscriptMismatchError extends Error {
  override readonly name = 'TranscriptMismatchError';
  constructor(readonly result: TranscriptResult) {
    super(`${result.file}: the conversation went differently (- expected, + actual):\n${result.diff}`);
  }
}

/** One call for a vitest test: plays the transcript and throws with the conversation diff on mismatch. */
export async function expectTranscript(file: string, options: TranscriptOptions = {}): Promise<TranscriptResult> {
  const result = await runTranscript(file, options);
  if (!result.passed) throw new TranscriptMismatchError(result);
  return result;
}
