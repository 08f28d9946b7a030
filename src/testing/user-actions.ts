import type { TestContact } from './test-contact.ts';
import type { ContactCard, LocationShare, MediaKindSent, OrderLine } from './simulated-messages.ts';

/**
 * The user actions of transcripts (`user taps: FAQ`) and of the terminal simulator (`/tap FAQ`), in
 * one place so both read the same arguments the same way. Each verb takes the text after it.
 */
export type ActionVerb = 'text' | 'tap' | 'pick' | 'flow' | 'order' | 'location' | 'contact' | 'react' | MediaKindSent | 'voice' | 'open' | 'fill' | 'back' | 'welcome';

const MEDIA: readonly string[] = ['image', 'video', 'audio', 'document', 'sticker', 'voice'];

/** Transcript phrases (`user <phrase>: …`) for each verb; `user: …` is text. */
export const TRANSCRIPT_PHRASES: Readonly<Record<string, ActionVerb>> = {
  '': 'text',
  taps: 'tap',
  picks: 'pick',
  submits: 'flow',
  orders: 'order',
  'shares location': 'location',
  'sends contact': 'contact',
  reacts: 'react',
  'opens flow': 'open',
  'fills screen': 'fill',
  'goes back': 'back',
  'opens chat': 'welcome',
  ...Object.fromEntries(MEDIA.map((kind) => [`sends ${kind}`, kind as ActionVerb])),
};

/** How each verb's argument is written, for help texts and error messages. */
export const ACTION_USAGE: Readonly<Record<ActionVerb, string>> = {
  text: 'any text',
  tap: 'a button title or id',
  pick: 'a list row title or id',
  flow: 'the form response as JSON, e.g. {"subject":"Broken lamp"}',
  order: 'items like 2 x sku-1 @ 9.99 EUR, 1 x sku-2 @ 5 EUR',
  location: 'latitude, longitude [name [/ address]], e.g. 52.52, 13.405 Berlin',
  contact: 'a name and optional phone, e.g. Jane Doe +4915550002 (several: separated by ;)',
  react: 'an emoji (empty removes the reaction)',
  image: 'an optional caption',
  video: 'an optional caption',
  audio: 'nothing',
  voice: 'nothing',
  document: 'an optional file name',
  sticker: 'nothing',
  open: 'nothing (the open Flow asks the data endpoint for its first screen: INIT)',
  fill: 'a screen name and what it submits as JSON, e.g. ADDRESS {"postcode":"10115"}',
  back: 'the screen the user goes back from',
  welcome: 'nothing (the user opens the chat for the first time: request_welcome)',
};

export function isActionVerb(verb: string): verb is ActionVerb {
  return verb in ACTION_USAGE;
}

function parseOrder(argument: string): OrderLine[] {
  return argument.split(',').map((item) => {
    const match = /^\s*(\d+)\s*x\s*(\S+)\s*@\s*(\d+(?:\.\d+)?)\s*([A-Za-z]{3})\s*$/.exec(item);
    if (!match) throw new Error(`cannot read order item "${item.trim()}": write ${ACTION_USAGE.order}`);
    return { quantity: Number(match[1]), product: match[2] as string, price: Number(match[3]), currency: (match[4] as string).toUpperCase() };
  });
}

function parseLocation(argument: string): LocationShare {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*(.*)$/.exec(argument);
  if (!match) throw new Error(`cannot read location "${argument}": write ${ACTION_USAGE.location}`);
  const [name, address] = (match[3] as string).split(' / ').map((s) => s.trim());
  return { latitude: Number(match[1]), longitude: Number(match[2]), ...(name ? { name } : {}), ...(address ? { address } : {}) };
}

function parseContacts(argument: string): ContactCard[] {
  return argument.split(';').map((card) => {
    const match = /^\s*(.*?)\s*(\+?\d[\d ]*\d)?\s*$/.exec(card);
    const name = match?.[1] ?? '';
    if (!name) throw new Error(`cannot read contact card "${card.trim()}": write ${ACTION_USAGE.contact}`);
    const phone = match?.[2]?.replace(/ /g, '');
    return phone ? { name, phone, waId: phone.replace(/^\+/, '') } : { name };
  });
}

function parseResponse(argument: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argument);
  } catch {
    throw new Error(`cannot read form response "${argument}": write ${ACTION_USAGE.flow}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`the form response must be a JSON object, got ${argument}`);
  return parsed as Record<string, unknown>;
}

/** Performs one action as `contact`; rejects with a readable message when the argument cannot be read. */
export async function performAction(contact: TestContact, verb: ActionVerb, argument: string): Promise<void> {
  const arg = argument.trim();
  switch (verb) {
    case 'text':
      return contact.send(argument);
    case 'tap':
      return contact.tap(arg);
    case 'pick':
      return contact.pick(arg);
    case 'flow':
      return contact.submitFlow(parseResponse(arg));
    case 'order':
      return contact.order(parseOrder(arg));
    case 'location':
      return contact.shareLocation(parseLocation(arg));
    case 'contact':
      return contact.shareContacts(parseContacts(arg));
    case 'react':
      return contact.react(arg);
    case 'voice':
      return contact.sendMedia('audio', { voice: true });
    case 'document':
      return contact.sendMedia('document', arg ? { filename: arg } : {});
    case 'image':
    case 'video':
      return contact.sendMedia(verb, arg ? { caption: arg } : {});
    case 'audio':
    case 'sticker':
      return contact.sendMedia(verb);
    case 'open':
      return contact.exchangeFlow('INIT').then(() => undefined);
    case 'back':
      return contact.exchangeFlow('BACK', arg || undefined).then(() => undefined);
    case 'fill': {
      const match = /^(\S+)\s*(.*)$/.exec(arg);
      if (!match) throw new Error(`cannot read "${arg}": write ${ACTION_USAGE.fill}`);
      return contact.exchangeFlow('data_exchange', match[1], match[2] ? parseResponse(match[2]) : {}).then(() => undefined);
    }
    case 'welcome':
      return contact.welcome();
  }
}
