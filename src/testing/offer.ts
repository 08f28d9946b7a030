import type { BotMessage } from './bot-message.ts';
import { indent } from './conversation-log.ts';
import type { Choice } from './render-message.ts';

/** What the bot's last interactive message lets the user do: tap a button, pick a row, open a form. */
export interface Offer {
  kind: 'buttons' | 'list' | 'form' | 'other';
  message: BotMessage;
  choices: Choice[];
}

/**
 * The last interactive message decides what a user can tap: in WhatsApp a newer list or form
 * replaces the buttons the user acts on, so the harness holds tests to the same rule.
 */
export function lastOffer(messages: readonly BotMessage[]): Offer | undefined {
  const message = [...messages].reverse().find((m) => m.message.type === 'interactive');
  if (!message || message.message.type !== 'interactive') return undefined;
  const type = message.message.interactive.type;
  const kind = type === 'button' ? 'buttons' : type === 'list' ? 'list' : type === 'flow' ? 'form' : 'other';
  return { kind, message, choices: message.choices };
}

/** A choice by id, then exact title, then title in any case. */
export function findChoice(offer: Offer, wanted: string): Choice | undefined {
  const lower = wanted.toLowerCase();
  return (
    offer.choices.find((c) => c.id === wanted) ??
    offer.choices.find((c) => c.title === wanted) ??
    offer.choices.find((c) => c.title.toLowerCase() === lower)
  );
}

/** What was offered, for failure messages: `the bot's last interactive message offered the buttons: [FAQ] (id faq), …`. */
export function describeOffer(offer: Offer | undefined): string {
  if (!offer) return 'the bot has not sent any interactive message';
  const what = offer.kind === 'buttons' ? 'the buttons' : offer.kind === 'list' ? 'the list rows' : offer.kind === 'form' ? 'a form' : 'no choices';
  const choices = offer.choices.map((c) => `[${c.title}] (id ${c.id})`).join(', ');
  return `the bot's last interactive message offered ${what}${choices ? `: ${choices}` : ''}\n${indent(offer.message.rendered)}`;
}
