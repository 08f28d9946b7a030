import { z } from 'zod';
import { text } from './builders.ts';
import type { OutboundMessage, OutboundType } from './outbound.ts';

/** Most messages one API call may carry. */
export const MAX_MESSAGES_PER_CALL = 20;

const source = z
  .looseObject({ link: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(), id: z.string().min(1).optional() })
  .refine((m) => (m.link === undefined) !== (m.id === undefined), { message: 'give either link (a URL) or id (an uploaded media id)' });
const caption = z.string().max(1024).optional();

const schemas: Record<OutboundType, z.ZodType> = {
  text: z.looseObject({ text: z.looseObject({ body: z.string().min(1, 'must not be empty').max(4096, 'at most 4096 characters'), preview_url: z.boolean().optional() }) }),
  image: z.looseObject({ image: source.and(z.looseObject({ caption })) }),
  video: z.looseObject({ video: source.and(z.looseObject({ caption })) }),
  audio: z.looseObject({ audio: source }),
  sticker: z.looseObject({ sticker: source }),
  document: z.looseObject({ document: source.and(z.looseObject({ caption, filename: z.string().min(1).optional() })) }),
  location: z.looseObject({ location: z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }) }),
  contacts: z.looseObject({ contacts: z.array(z.record(z.string(), z.unknown())).min(1) }),
  reaction: z.looseObject({ reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string() }) }),
  interactive: z.looseObject({
    interactive: z.looseObject({ type: z.enum(['button', 'list', 'cta_url', 'flow', 'location_request_message']), action: z.record(z.string(), z.unknown()) }),
  }),
  template: z.looseObject({ template: z.looseObject({ name: z.string().min(1), language: z.looseObject({ code: z.string().min(1) }), components: z.array(z.unknown()).optional() }) }),
};

const TYPES = Object.keys(schemas) as OutboundType[];

/**
 * Reads a JSON array of outbound messages (the `POST /api/messages` shape: `{ type: 'text', text:
 * { body } }`, …; a plain string is a text message). Each message is checked for the fields
 * WhatsApp needs, so a typo is a clear 400 instead of a gateway error later.
 */
export function parseOutboundMessages(value: unknown, field = 'messages'): { ok: true; messages: OutboundMessage[] } | { ok: false; error: string } {
  if (!Array.isArray(value) || value.length === 0) return { ok: false, error: `${field} must be a non-empty array of messages, e.g. [{ "type": "text", "text": { "body": "Hi" } }]` };
  if (value.length > MAX_MESSAGES_PER_CALL) return { ok: false, error: `${field}: at most ${MAX_MESSAGES_PER_CALL} messages per call, got ${value.length}` };
  const messages: OutboundMessage[] = [];
  for (const [i, item] of value.entries()) {
    const where = `${field}[${i}]`;
    if (typeof item === 'string') {
      if (item.trim() === '') return { ok: false, error: `${where}: an empty text` };
      if (item.length > 4096) return { ok: false, error: `${where}: a text of at most 4096 characters` };
      messages.push(text(item));
      continue;
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { ok: false, error: `${where}: must be a message object or a text string` };
    const type = (item as { type?: unknown }).type;
    if (typeof type !== 'string' || !TYPES.includes(type as OutboundType)) {
      return { ok: false, error: `${where}.type: must be one of ${TYPES.join(', ')}, got ${JSON.stringify(type)}` };
    }
    const result = schemas[type as OutboundType].safeParse(item);
    if (!result.success) {
      const issue = result.error.issues[0];
      const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
      return { ok: false, error: `${where}${path}: ${issue?.message ?? 'invalid'}` };
    }
    messages.push(item as OutboundMessage);
  }
  return { ok: true, messages };
}
