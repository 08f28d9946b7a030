/**
 * Log fields that carry a WhatsApp id (a phone number) or a contact key ending in one, in our own
 * log objects and in webhook parts logged as they arrived (`from`, `wa_id`, `recipient_id`).
 */
export const PHONE_FIELDS: ReadonlySet<string> = new Set(['contact', 'waId', 'wa_id', 'to', 'from', 'recipientId', 'recipient_id', 'recipient', 'new_wa_id', 'newWaId']);

/** Nested objects deeper than this are left as they are (a log object is never that deep in practice). */
const MAX_DEPTH = 8;

/** `4915550001` → `49******01`: enough to tell contacts apart in a log, not enough to call them. */
export function maskPhone(value: string): string {
  return value.replace(/\d{5,}/g, (digits) => `${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`);
}

/** A contact key `{phone_number_id}:{waId}` keeps its business number id, which is not personal data. */
function maskField(value: string): string {
  const colon = value.lastIndexOf(':');
  return colon >= 0 ? value.slice(0, colon + 1) + maskPhone(value.slice(colon + 1)) : maskPhone(value);
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || value instanceof Error) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const masked = maskValue(item, depth + 1);
      if (masked !== item) (copy ??= [...value])[i] = masked;
    });
    return copy ?? value;
  }
  return maskObject(value as Record<string, unknown>, depth);
}

function maskObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    const masked = typeof value === 'string' ? (PHONE_FIELDS.has(key) ? maskField(value) : value) : maskValue(value, depth + 1);
    if (masked !== value) (copy ??= { ...object })[key] = masked;
  }
  return copy ?? object;
}

/** Masks the phone fields of one log object, nested ones included (pino `formatters.log`); copies only what changes. */
export function maskPhoneFields(object: Record<string, unknown>): Record<string, unknown> {
  return maskObject(object, 0);
}
