/** Log fields that carry a WhatsApp id (a phone number) or a contact key ending in one. */
export const PHONE_FIELDS = ['contact', 'waId', 'to', 'from', 'recipientId', 'recipient'] as const;

/** `4915550001` → `49******01`: enough to tell contacts apart in a log, not enough to call them. */
export function maskPhone(value: string): string {
  return value.replace(/\d{5,}/g, (digits) => `${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`);
}

/**
 * Masks the phone fields of one log object (pino `formatters.log`). A contact key
 * `{phone_number_id}:{waId}` keeps its business number id, which is not personal data.
 */
export function maskPhoneFields(object: Record<string, unknown>): Record<string, unknown> {
  let masked: Record<string, unknown> | undefined;
  for (const field of PHONE_FIELDS) {
    const value = object[field];
    if (typeof value !== 'string') continue;
    masked ??= { ...object };
    const colon = value.lastIndexOf(':');
    masked[field] = colon >= 0 ? value.slice(0, colon + 1) + maskPhone(value.slice(colon + 1)) : maskPhone(value);
  }
  return masked ?? object;
}
