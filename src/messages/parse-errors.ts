import type { WhatsAppError } from './inbound-events.ts';
import { arr, num, obj, str } from './webhook-values.ts';

/** The `errors` of a message or a status, as WhatsApp reports them (code, title, message, details). */
export function parseErrors(v: unknown): WhatsAppError[] {
  return arr(v).map((e) => {
    const o = obj(e);
    const error: WhatsAppError = { code: num(o.code) };
    const title = str(o.title);
    if (title !== undefined) error.title = title;
    const message = str(o.message);
    if (message !== undefined) error.message = message;
    const details = str(obj(o.error_data).details) ?? str(o.details);
    if (details !== undefined) error.details = details;
    return error;
  });
}
