import { z } from 'zod';
import type { ProviderName } from './config.ts';
import { ConfigError } from './config-error.ts';

/** One business number's own gateway (WHATSAPP_NUMBERS), when numbers use different gateways. */
export interface NumberProviderConfig {
  provider: ProviderName;
  token?: string;
  apiUrl?: string;
  /** D7 originator number. */
  sender?: string;
}

const numberSchema = z.record(
  z.string().min(1),
  z.object({
    provider: z.enum(['cloud', '360dialog', 'd7', 'console']),
    token: z.string().min(1).optional(),
    apiUrl: z.url().optional(),
    sender: z.string().min(1).optional(),
  }),
);

/** WHATSAPP_NUMBERS: `{"<phone_number_id>": {"provider":"d7","token":"…","sender":"…"}, …}`. */
export function parseNumbers(raw: string | undefined): Record<string, NumberProviderConfig> {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError('WHATSAPP_NUMBERS must be JSON: {"<phone_number_id>": {"provider": "cloud", "token": "…"}}');
  }
  const result = numberSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(`invalid WHATSAPP_NUMBERS: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const numbers: Record<string, NumberProviderConfig> = {};
  for (const [id, n] of Object.entries(result.data)) {
    if (n.provider !== 'console' && !n.token) throw new ConfigError(`WHATSAPP_NUMBERS.${id}: provider ${n.provider} needs a token`);
    if (n.provider === 'd7' && !n.sender) throw new ConfigError(`WHATSAPP_NUMBERS.${id}: provider d7 needs a sender`);
    const entry: NumberProviderConfig = { provider: n.provider };
    if (n.token) entry.token = n.token;
    if (n.apiUrl) entry.apiUrl = n.apiUrl;
    if (n.sender) entry.sender = n.sender;
    numbers[id] = entry;
  }
  return numbers;
}
