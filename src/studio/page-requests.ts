import { parseVerb, type StudioInput } from './inputs.ts';
import type { BusinessNumberView, ContactRequest } from './view-types.ts';

/** A contact the page asks to add, checked: a name, the WhatsApp id's digits, a business number a flow serves. */
export function readContactRequest(
  request: { name?: unknown; waId?: unknown; businessNumberId?: unknown },
  numbers: readonly BusinessNumberView[],
  defaultNumber: string,
): { name: string; waId: string; number: string } {
  const name = typeof request.name === 'string' ? request.name.trim() : '';
  const waId = typeof request.waId === 'string' ? request.waId.replace(/[\s+]/g, '') : '';
  const number = typeof request.businessNumberId === 'string' && request.businessNumberId ? request.businessNumberId : defaultNumber;
  if (!name || name.length > 60) throw new Error('give the contact a name (at most 60 characters)');
  if (!/^\d{5,20}$/.test(waId)) throw new Error(`"${String(request.waId)}" is not a WhatsApp id: write the phone number's digits, e.g. 4915550001`);
  if (!numbers.some((n) => n.id === number)) throw new Error(`no flow serves business number ${number}`);
  return { name, waId, number };
}

/** What the page asks a contact to do, as an input of the session's journal (or why it cannot be done). */
export function inputFromRequest(contact: string, request: ContactRequest): StudioInput {
  switch (request.kind) {
    case 'action': {
      const verb = parseVerb(String(request.verb));
      const argument = typeof request.argument === 'string' ? request.argument : '';
      if (verb === 'text' && argument.trim() === '') throw new Error('type a message first');
      return { kind: 'action', contact, verb, argument, ...(typeof request.target === 'number' ? { target: request.target } : {}) };
    }
    case 'status':
      if (!['delivered', 'read', 'failed'].includes(request.status)) throw new Error('status must be delivered, read or failed');
      return { kind: 'status', contact, target: Number(request.target), status: request.status };
    case 'event':
      if (typeof request.event?.type !== 'string' || !request.event.type) throw new Error('an event needs a "type", e.g. api.orderShipped');
      return { kind: 'event', contact, event: request.event };
    default:
      throw new Error('unknown request: send { kind: "action" | "status" | "event", … }');
  }
}
