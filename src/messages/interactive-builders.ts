import type { ButtonsInteractive, CtaUrlInteractive, ListInteractive, ListSection, LocationRequestInteractive, OutboundMessage } from './outbound.ts';
import { bodyText, decorate, deferrable, maxLength, MessageLimitError, standIn, withCommon, type CommonOptions, type InteractiveOptions, type TextHeaderOptions } from './builder-common.ts';

/** Interactive messages that ask the user to choose or act: reply buttons, lists, a URL button, a location request. Limits cite their source as in builders.ts. */

/** One reply button for `buttons`: the id your flow receives and the title the user sees. */
export interface ButtonSpec {
  id: string;
  title: string;
}

/**
 * Up to three reply buttons (title ≤ 20 characters, ids unique). Taps arrive as `user.button`.
 * The header may be text, an image, a video or a document
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages).
 */
export const buttons = deferrable(function buttons(body: string, choices: ButtonSpec[], options?: InteractiveOptions): OutboundMessage {
  // 1-3 buttons, id ≤ 256 without leading/trailing spaces, title ≤ 20 and unique: spec `ActionObject.buttons`.
  if (choices.length < 1 || choices.length > 3) throw new MessageLimitError('buttons', 'must have 1-3 buttons', choices.length);
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const [i, choice] of choices.entries()) {
    maxLength(`buttons[${i}].id`, choice.id, 256);
    if (choice.id.trim() !== choice.id) throw new MessageLimitError(`buttons[${i}].id`, 'must not start or end with spaces', choice.id);
    maxLength(`buttons[${i}].title`, choice.title, 20);
    if (ids.has(choice.id)) throw new MessageLimitError(`buttons[${i}].id`, 'must be unique', choice.id);
    if (titles.has(choice.title)) throw new MessageLimitError(`buttons[${i}].title`, 'must be unique', choice.title);
    ids.add(choice.id);
    titles.add(choice.title);
  }
  const interactive: ButtonsInteractive = {
    type: 'button',
    body: bodyText(body),
    action: { buttons: choices.map((c) => ({ type: 'reply' as const, reply: { id: c.id, title: c.title } })) },
  };
  decorate(interactive, options, ['text', 'image', 'video', 'document'], 'reply-buttons');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * A list message: a button that opens up to 10 rows in total. Picks arrive as `user.list`. The
 * header can only be text (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages).
 */
export const list = deferrable(function list(body: string, buttonLabel: string, sections: ListSection[], options?: TextHeaderOptions): OutboundMessage {
  const rows = sections.flatMap((s) => s.rows);
  // 1-10 sections: spec `ActionObject.sections`. 10 rows across all sections: the list-messages page above.
  if (sections.length < 1 || sections.length > 10) throw new MessageLimitError('sections', 'must have 1-10 sections', sections.length);
  if (rows.length < 1 || rows.length > 10) throw new MessageLimitError('rows', 'must have 1-10 rows in total', rows.length);
  const ids = new Set<string>();
  sections.forEach((section, s) => {
    // Section title ≤ 24, required with several sections; row id ≤ 200, title ≤ 24, description ≤ 72: spec `SectionObject`.
    if (sections.length > 1 && !section.title) throw new MessageLimitError(`sections[${s}].title`, 'is required when there is more than one section', section.title);
    if (section.title !== undefined) maxLength(`sections[${s}].title`, section.title, 24);
    section.rows.forEach((row, r) => {
      maxLength(`sections[${s}].rows[${r}].id`, row.id, 200);
      maxLength(`sections[${s}].rows[${r}].title`, row.title, 24);
      if (row.description !== undefined) maxLength(`sections[${s}].rows[${r}].description`, row.description, 72, 0);
      if (ids.has(row.id)) throw new MessageLimitError(`sections[${s}].rows[${r}].id`, 'must be unique', row.id);
      ids.add(row.id);
    });
  });
  const interactive: ListInteractive = {
    type: 'list',
    // 1,024 like every interactive body (spec `BodyObject`); it used to be 4,096 here, which WhatsApp refuses.
    body: bodyText(body),
    // Button label ≤ 20: spec `ActionObject.button`.
    action: { button: maxLength('button', buttonLabel, 20), sections },
  };
  decorate(interactive, options, ['text'], 'list');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * A message with one button that opens a URL (label ≤ 20 characters, http(s) URL). The header may be
 * text, an image, a video or a document
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-cta-url-messages).
 */
export const ctaUrl = deferrable(function ctaUrl(body: string, label: string, url: string, options?: InteractiveOptions): OutboundMessage {
  if (!/^https?:\/\/\S+$/.test(url)) throw new MessageLimitError('url', 'must be an http(s) URL', url);
  const interactive: CtaUrlInteractive = {
    type: 'cta_url',
    body: bodyText(body),
    // display_text ≤ 20: the CTA URL page above (the spec has no cta_url schema).
    action: { name: 'cta_url', parameters: { display_text: maxLength('display_text', label, 20), url } },
  };
  decorate(interactive, options, ['text', 'image', 'video', 'document'], 'cta_url');
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);

/**
 * Asks the user to share their location (a "Send location" button); it arrives as `user.location`.
 * No header (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/location-request-messages).
 */
export const locationRequest = deferrable(function locationRequest(body: string, options?: CommonOptions): OutboundMessage {
  const interactive: LocationRequestInteractive = {
    type: 'location_request_message',
    body: bodyText(body),
    action: { name: 'send_location' },
  };
  return withCommon({ type: 'interactive', interactive }, options);
}, standIn);
