import type { UserEvent } from './inbound-events.ts';
import { parseMessage } from './parse-message.ts';
import { parseStatus } from './parse-status.ts';
import type { StatusUpdate } from './status-update.ts';
import { parseTemplateUpdate, type TemplateUpdate } from './template-updates.ts';
import { MAX_ID_BYTES, tooLong } from './webhook-id-limits.ts';
import { arr, isObj, obj, show, str } from './webhook-values.ts';

/** What one webhook POST contained, normalised. Nothing of a batch is dropped silently. */
export interface ParsedWebhook {
  messages: UserEvent[];
  statuses: StatusUpdate[];
  /** Parts chartbot could not use, with the reason (the caller logs them). */
  ignored: IgnoredPart[];
  /** Template changes (`message_template_status_update` and its siblings): the template check refetches. */
  templateUpdates?: TemplateUpdate[];
}

/** A part of a webhook that carries nothing chartbot handles (e.g. `account_update`); logged, not processed. */
export interface IgnoredPart {
  reason: string;
  part: unknown;
}

/** Thrown when a body is JSON but not a WhatsApp webhook envelope at all (answered with 400). */
export class NotAWebhookError extends Error {
  override readonly name = 'NotAWebhookError';
}

/**
 * Parses a Cloud API webhook body (also what 360dialog relays) into events and status updates.
 * Iterates every entry × change × message/status: peers that read `[0]` lose batched messages.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  if (!isObj(body) || !Array.isArray(body.entry)) {
    throw new NotAWebhookError(
      'not a WhatsApp webhook: expected a JSON object like {"object":"whatsapp_business_account","entry":[…]}',
    );
  }
  const out: ParsedWebhook = { messages: [], statuses: [], ignored: [] };
  if (body.object !== undefined && body.object !== 'whatsapp_business_account') {
    // Another product's webhook (a Page, Instagram) sent to this URL: none of it is ours.
    out.ignored.push({ reason: `object "${show(body.object)}" is not whatsapp_business_account: the whole body is ignored`, part: body.object });
    return out;
  }
  for (const entry of body.entry) {
    for (const change of arr(obj(entry).changes)) {
      parseChange(change, out);
    }
  }
  return out;
}

function parseChange(change: unknown, out: ParsedWebhook): void {
  const c = obj(change);
  const field = str(c.field);
  const value = obj(c.value);
  const templateUpdate = parseTemplateUpdate(field, value);
  if (templateUpdate) {
    (out.templateUpdates ??= []).push(templateUpdate);
    return;
  }
  if (field !== undefined && field !== 'messages') {
    out.ignored.push({ reason: `change field "${field}" is not handled`, part: change });
    return;
  }
  const metadata = obj(value.metadata);
  const businessNumberId = str(metadata.phone_number_id) ?? '';
  const displayPhoneNumber = str(metadata.display_phone_number);
  const contacts = arr(value.contacts).map(obj);
  if (arr(value.errors).length > 0) {
    out.ignored.push({ reason: 'webhook-level errors reported by WhatsApp', part: value.errors });
  }
  for (const message of arr(value.messages)) {
    if (!businessNumberId || tooLong(businessNumberId, MAX_ID_BYTES)) {
      out.ignored.push({ reason: `message without a usable metadata.phone_number_id (1–${MAX_ID_BYTES} bytes)`, part: message });
      continue;
    }
    const event = parseMessage(obj(message), businessNumberId, displayPhoneNumber, contacts);
    if (typeof event === 'string') out.ignored.push({ reason: event, part: message });
    else out.messages.push(event);
  }
  for (const status of arr(value.statuses)) {
    const update = parseStatus(obj(status), businessNumberId);
    if (typeof update === 'string') out.ignored.push({ reason: update, part: status });
    else out.statuses.push(update);
  }
}
