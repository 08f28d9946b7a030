import { randomUUID } from 'node:crypto';
import type { EventObject } from 'xstate';
import type { ExchangeOutcome } from '../flows-endpoint/flow-exchange.ts';
import { flowTokenTag } from '../flows-endpoint/flow-token.ts';
import type { FlowExchangeEvent } from '../messages/inbound-events.ts';
import type { BotMessage } from './bot-message.ts';
import { ObservedContact } from './observed-contact.ts';
import { describeOffer, findChoice } from './offer.ts';
import type { Choice } from './render-message.ts';
import {
  buttonBody,
  contactsBody,
  flowBody,
  listBody,
  locationBody,
  mediaBody,
  orderBody,
  reactionBody,
  textBody,
  welcomeBody,
  type ContactCard,
  type LocationShare,
  type MediaKindSent,
  type MediaShare,
  type MessageBody,
  type OrderLine,
} from './simulated-messages.ts';

const DEFAULT_CATALOG = 'catalog.test';

/**
 * One simulated WhatsApp user talking to the bot under test. Every action goes through the
 * production runtime and returns a promise: it resolves when the bot has finished answering, and
 * rejects when the action cannot be done (a tap on a button the bot did not offer) or the flow
 * failed on it (`FlowStepError`). Observations (`replies`, `state`, `context`, …) read what the
 * runtime sent and persisted.
 */
export class TestContact extends ObservedContact {
  private screenLine: string | undefined;

  // ---- what the user does -------------------------------------------------------------------

  /** The user writes a text message. */
  async send(text: string): Promise<void> {
    return this.act(`user: ${text}`, textBody(text));
  }

  /** The user taps a reply button of the bot's last interactive message, by id or title. */
  async tap(button: string): Promise<void> {
    const choice = this.choose('buttons', button, 'tap');
    return this.act(`user taps: ${choice.title}`, buttonBody(choice.id, choice.title));
  }

  /** The user picks a row of the bot's last list message, by id or title. */
  async pick(row: string): Promise<void> {
    const choice = this.choose('list', row, 'pick');
    return this.act(`user picks: ${choice.title}`, listBody(choice.id, choice.title, choice.description));
  }

  /** The user completes the WhatsApp Flow (form) the bot's last interactive message opened. */
  async submitFlow(response: Record<string, unknown>): Promise<void> {
    const offer = this.offer();
    if (offer?.kind !== 'form') this.fail(`cannot submit a form: ${describeOffer(offer)}`);
    const message = offer.message.message;
    const token = message.type === 'interactive' && message.interactive.type === 'flow' ? message.interactive.action.parameters.flow_token : undefined;
    return this.act(`user submits: ${JSON.stringify(response)}`, flowBody(response, token));
  }

  /** The user sends a cart from the catalog. */
  async order(lines: OrderLine[], options: { catalogId?: string; text?: string } = {}): Promise<void> {
    const line = lines.map((l) => `${l.quantity} x ${l.product} @ ${l.price} ${l.currency}`).join(', ');
    return this.act(`user orders: ${line}`, orderBody(options.catalogId ?? DEFAULT_CATALOG, lines, options.text));
  }

  /** The user shares a location pin. */
  async shareLocation(location: LocationShare): Promise<void> {
    const place = [location.name, location.address].filter(Boolean).join(' / ');
    return this.act(`user shares location: ${location.latitude}, ${location.longitude}${place ? ` ${place}` : ''}`, locationBody(location));
  }

  /** The user sends an image, video, voice note or audio, document or sticker. */
  async sendMedia(kind: MediaKindSent, media: MediaShare = {}): Promise<void> {
    const detail = media.filename ?? media.caption ?? '';
    const what = kind === 'audio' && media.voice ? 'voice' : kind;
    return this.act(`user sends ${what}:${detail ? ` ${detail}` : ''}`, mediaBody(kind, media));
  }

  /** The user shares one or more contact cards. */
  async shareContacts(cards: ContactCard[]): Promise<void> {
    const line = cards.map((c) => [c.name, c.phone].filter(Boolean).join(' ')).join('; ');
    return this.act(`user sends contact: ${line}`, contactsBody(cards));
  }

  /** The user reacts to a bot message (default: the last one) with an emoji; `''` removes the reaction. */
  async react(emoji: string, to: BotMessage | string | undefined = this.lastMessage): Promise<void> {
    const messageId = typeof to === 'string' ? to : to?.messageId;
    if (messageId === undefined) this.fail('cannot react: the bot has sent no message to react to');
    return this.act(`user reacts: ${emoji}`, reactionBody(messageId, emoji));
  }

  /** The user opens the chat with the business for the first time (`request_welcome` → `user.welcome`). */
  welcome(): Promise<void> {
    return this.act('user opens chat:', welcomeBody());
  }

  /** WhatsApp reports a delivery status for a bot message (default: the last one), as a status webhook. */
  async reportStatus(status: 'sent' | 'delivered' | 'read' | 'failed', to: BotMessage | undefined = this.lastMessage, error?: { code: number; title: string }): Promise<void> {
    if (to?.messageId === undefined) this.fail(`cannot report "${status}": the bot has sent no message`);
    const line = `status: ${status}${error ? ` (#${error.code} ${error.title})` : ''}`;
    this.startTurn(line);
    this.log.push({ kind: 'status', line });
    const messageId = to.messageId;
    await this.driver.watch(this, line, () => this.driver.sendStatus(this, messageId, status, error));
  }

  /** Your own system tells the contact's machine something (proactive, e.g. `{ type: 'api.orderShipped' }`). */
  async notify<TEvent extends EventObject>(event: TEvent): Promise<void> {
    const line = `event: ${event.type}`;
    this.startTurn(line);
    this.log.push({ kind: 'event', line });
    await this.driver.watch(this, line, () => this.driver.notify(this, event));
  }

  /**
   * The user's open WhatsApp Flow asks the bot's data endpoint: `INIT` when it opens, `data_exchange`
   * when a screen is submitted (`screen`, `data`), `BACK`. Uses the token of the last Flow invitation
   * sent with `endpoint: true`, as the real Flow would. Resolves with what the machine answered.
   */
  async exchangeFlow(action: FlowExchangeEvent['action'], screen?: string, data: Record<string, unknown> = {}): Promise<ExchangeOutcome> {
    const line = `user ${action === 'INIT' ? 'opens flow:' : action === 'BACK' ? `goes back: ${screen ?? ''}` : `fills screen: ${screen ?? ''} ${JSON.stringify(data)}`}`.trimEnd();
    const token = this.lastFlowToken();
    if (token === undefined) this.fail(`cannot ${action === 'INIT' ? 'open the Flow' : 'talk to the Flow endpoint'}: the bot sent no Flow invitation with endpoint: true`);
    this.startTurn(line);
    this.log.push({ kind: 'user', line });
    const event: FlowExchangeEvent = {
      type: 'flow.exchange',
      action,
      ...(screen ? { screen } : {}),
      data,
      tag: flowTokenTag(token) ?? '',
      flowToken: token,
      exchangeId: randomUUID(),
      version: '3.0',
      contact: { waId: this.waId },
      businessNumberId: this.businessNumberId,
      timestamp: 0,
    };
    const outcome = await this.driver.exchange(this, event);
    this.screenLine = describeOutcome(outcome);
    this.log.push({ kind: 'screen', line: this.screenLine });
    return outcome;
  }

  /** The line of the last Flow answer (`screen: NAME {…}`), once: transcripts and the simulator print it. */
  takeScreenLine(): string | undefined {
    const line = this.screenLine;
    this.screenLine = undefined;
    return line;
  }

  private lastFlowToken(): string | undefined {
    for (const sent of [...this.sent].reverse()) {
      const m = sent.message;
      if (m.type === 'interactive' && m.interactive.type === 'flow' && m.interactive.action.parameters.flow_token?.startsWith('cb1.')) return m.interactive.action.parameters.flow_token;
      if (m.type === 'template') {
        for (const c of m.template.components ?? []) {
          for (const p of c.parameters) if (p.type === 'action' && p.action.flow_token?.startsWith('cb1.')) return p.action.flow_token;
        }
      }
    }
    return undefined;
  }

  private async act(line: string, body: MessageBody): Promise<void> {
    this.startTurn(line);
    this.log.push({ kind: 'user', line });
    await this.driver.watch(this, line, async () => {
      this.inbound.push(await this.driver.sendMessage(this, body));
    });
  }

  private choose(kind: 'buttons' | 'list', wanted: string, verb: string): Choice {
    const offer = this.offer();
    const choice = offer?.kind === kind ? findChoice(offer, wanted) : undefined;
    if (!choice) this.fail(`cannot ${verb} "${wanted}": ${describeOffer(offer)}`);
    return choice;
  }
}

/** How a Flow answer reads in a transcript. */
function describeOutcome(outcome: ExchangeOutcome): string {
  switch (outcome.kind) {
    case 'answer':
      return 'screen' in outcome.answer ? `screen: ${outcome.answer.screen} ${JSON.stringify(outcome.answer.data)}` : `screen: (flow closed) ${JSON.stringify(outcome.answer.close)}`;
    case 'no-answer':
      return 'screen: (no answer: 427, the Flow is no longer valid)';
    case 'failed':
      return `screen: (the flow threw: ${String((outcome.error as Error)?.message ?? outcome.error)})`;
    case 'timeout':
      return 'screen: (no answer in time)';
  }
}
