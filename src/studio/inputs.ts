import type { EventObject } from 'xstate';
import { formatDuration } from '../testing/duration.ts';
import { isActionVerb, TRANSCRIPT_PHRASES, type ActionVerb } from '../testing/user-actions.ts';

/**
 * Everything the developer did in the studio, in order: the journal a rewind replays and a saved
 * transcript is written from. Bot messages are referred to by their position in the contact's
 * conversation, so a replay (whose message ids differ) means the same message.
 */
export type StudioInput =
  /** `target`: for a reaction to an earlier bot message (absent: the last one). */
  | { kind: 'action'; contact: string; verb: ActionVerb; argument: string; target?: number }
  | { kind: 'status'; contact: string; target: number; status: 'delivered' | 'read' | 'failed' }
  | { kind: 'event'; contact: string; event: EventObject }
  | { kind: 'advance'; ms: number };

const PHRASE_OF = new Map<ActionVerb, string>(Object.entries(TRANSCRIPT_PHRASES).map(([phrase, verb]) => [verb, phrase]));

const capitalized = (text: string) => text.slice(0, 1).toUpperCase() + text.slice(1);

/** A form response as `subject: Broken lamp, rating: 5`. */
function formText(argument: string): string {
  try {
    const response = JSON.parse(argument) as Record<string, unknown>;
    const fields = Object.entries(response).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    return fields.length ? fields.join(', ') : '(empty)';
  } catch {
    return argument;
  }
}

/** The user's bubble for an action: what they sent, readably. */
export function actionText(verb: ActionVerb, argument: string): string {
  const arg = argument.trim();
  switch (verb) {
    case 'text':
      return argument;
    case 'tap':
    case 'pick':
      return arg;
    case 'flow':
      return `Form sent: ${formText(arg)}`;
    case 'order':
      return `Order: ${arg}`;
    case 'location':
      return `Location: ${arg}`;
    case 'contact':
      return `Contact card: ${arg}`;
    case 'react':
      return arg ? `reacted ${arg}` : 'removed a reaction';
    case 'welcome':
      return 'Opened the chat';
    default:
      return `${capitalized(verb === 'voice' ? 'voice note' : verb)}${arg ? `: ${arg}` : ''}`;
  }
}

/** Reads a verb the page sent, or says which ones exist. */
export function parseVerb(verb: string): ActionVerb {
  if (!isActionVerb(verb)) throw new Error(`unknown action "${verb}": use one of ${[...PHRASE_OF.keys()].join(', ')}`);
  return verb;
}

/**
 * The transcript line for an input of `contact`, or why a transcript cannot say it (it only
 * knows the user's actions and waits).
 */
export function transcriptLine(input: StudioInput, contact: string): { line: string } | { skip: string } | undefined {
  if (input.kind === 'advance') return { line: `wait: ${formatDuration(input.ms)}` };
  if (input.contact !== contact) return undefined;
  if (input.kind === 'status') return { skip: `status ${input.status} of bot message ${input.target + 1} (transcripts have no status lines)` };
  if (input.kind === 'event') return { skip: `event ${input.event.type} (transcripts have no proactive events)` };
  if (input.argument.includes('\n')) return { skip: `a ${input.verb} with several lines (a transcript line is one line)` };
  // The session drops `target` when the reaction went to the bot's last message.
  if (input.verb === 'react' && input.target !== undefined) {
    return { skip: `reaction ${input.argument} to bot message ${input.target + 1} (transcripts react to the last message only)` };
  }
  const phrase = PHRASE_OF.get(input.verb) ?? '';
  const argument = input.argument.trim();
  return { line: `user${phrase ? ` ${phrase}` : ''}:${argument ? ` ${input.verb === 'text' ? input.argument : argument}` : ''}` };
}
