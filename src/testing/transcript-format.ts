import { parseDuration } from './duration.ts';
import { isActionVerb, TRANSCRIPT_PHRASES, type ActionVerb } from './user-actions.ts';

/**
 * A transcript: a whole conversation written as plain text.
 *
 * ```
 * # Anna asks about shipping
 * flow: ../../flows/support.ts
 * name: Anna
 *
 * user: hi
 * bot: Hi Anna! How can we help you today?
 *   [FAQ] [Open a ticket] [Talk to a person]
 * user taps: FAQ
 * wait: 10m
 * state: reminder
 * ```
 *
 * Header lines (`flow:`, `name:`, `phone:`, `number:`) come first. Then `user …:` lines are actions (see
 * TRANSCRIPT_PHRASES), `bot:` lines with their indented continuation lines are what the bot must
 * send, `screen:` lines what it answers a WhatsApp Flow's data-endpoint request (`user fills screen:`),
 * `wait:` moves the fake clock, `state:` asserts the state. During a hand-over, `agent Sam: Hi` is a
 * person writing and `agent Sam resolves` gives the conversation back. `#` starts a comment line.
 */
export interface Transcript {
  /** Flow file, relative to the transcript file. */
  flow?: string;
  name?: string;
  phone?: string;
  /** Business number (`phone_number_id`) the user writes to, for flows routed by number. */
  number?: string;
  steps: TranscriptStep[];
  /** The conversation lines as written (comments, blank lines and the header removed). */
  expected: string[];
}

/** One line of a transcript that does something: a user action, a wait, or a state check. */
export type TranscriptStep =
  | { kind: 'user'; line: string; lineNumber: number; verb: ActionVerb; argument: string }
  | { kind: 'wait'; line: string; lineNumber: number; ms: number }
  | { kind: 'state'; line: string; lineNumber: number; path: string }
  | { kind: 'agent'; line: string; lineNumber: number; agent: string; action: 'says'; text: string }
  | { kind: 'agent'; line: string; lineNumber: number; agent: string; action: 'resolves' };

/** A transcript line that cannot be read; the message names the file, the line and what is expected. */
export class TranscriptSyntaxError extends Error {
  override readonly name = 'TranscriptSyntaxError';
}

const HEADER_KEYS = new Set(['flow', 'name', 'phone', 'number']);

/** Reads a transcript's text: its header (flow, name, phone), the steps to replay and the bot lines expected. Throws `TranscriptSyntaxError`. */
export function parseTranscript(text: string, source = 'transcript'): Transcript {
  const transcript: Transcript = { steps: [], expected: [] };
  let started = false;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const where = `${source}:${lineNumber}`;
    if (/^\s/.test(line)) {
      if (!transcript.expected.at(-1)?.match(/^(bot:|\s)/)) throw new TranscriptSyntaxError(`${where}: an indented line must continue a "bot:" line`);
      transcript.expected.push(line);
      return;
    }
    const agent = /^agent\s+(?:([^:]+?)\s+resolves|([^:]+?)\s*:\s?(.*))$/i.exec(line);
    if (agent) {
      started = true;
      const name = (agent[1] ?? agent[2] ?? '').trim();
      if (agent[1] !== undefined) transcript.steps.push({ kind: 'agent', line, lineNumber, agent: name, action: 'resolves' });
      else if ((agent[3] ?? '').trim() === '') throw new TranscriptSyntaxError(`${where}: "agent ${name}:" needs the text the agent writes`);
      else transcript.steps.push({ kind: 'agent', line, lineNumber, agent: name, action: 'says', text: agent[3] as string });
      transcript.expected.push(line);
      return;
    }
    const match = /^([a-z][a-z ]*?)\s*:\s?(.*)$/i.exec(line);
    if (!match) throw new TranscriptSyntaxError(`${where}: expected "user: …", "bot: …", "agent <name>: …", "wait: …" or "state: …", got "${line}"`);
    const key = (match[1] as string).toLowerCase();
    const value = match[2] as string;
    if (!started && HEADER_KEYS.has(key)) {
      transcript[key as 'flow' | 'name' | 'phone' | 'number'] = value.trim();
      return;
    }
    started = true;
    // `screen:` lines are the machine's answers to a Flow's data-endpoint requests (like `bot:`, expected output).
    if (key === 'bot' || key === 'screen') {
      transcript.expected.push(line);
      return;
    }
    if (key === 'wait') {
      let ms: number;
      try {
        ms = parseDuration(value.trim());
      } catch (error) {
        throw new TranscriptSyntaxError(`${where}: ${(error as Error).message}`);
      }
      transcript.steps.push({ kind: 'wait', line, lineNumber, ms });
    } else if (key === 'state') {
      transcript.steps.push({ kind: 'state', line, lineNumber, path: value.trim() });
    } else if (key === 'user' || key.startsWith('user ')) {
      const verb = TRANSCRIPT_PHRASES[key.slice(4).trim()];
      if (!verb || !isActionVerb(verb)) {
        const known = Object.keys(TRANSCRIPT_PHRASES).map((p) => `"user${p ? ` ${p}` : ''}:"`).join(', ');
        throw new TranscriptSyntaxError(`${where}: unknown user action "${key}": use one of ${known}`);
      }
      transcript.steps.push({ kind: 'user', line, lineNumber, verb, argument: value });
    } else {
      throw new TranscriptSyntaxError(`${where}: unknown line "${key}:" (header lines flow/name/phone/number must come before the conversation)`);
    }
    transcript.expected.push(line);
  });
  return transcript;
}
