import { z } from 'zod';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const port = optional.pipe(z.string().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().max(65535)).optional());
const milliseconds = optional.pipe(z.string().regex(/^\d+$/, 'must be milliseconds').transform(Number).pipe(z.number().min(1)).optional());
/** A switch: true or false (1 or 0); what unset means is the variable's own default. */
const flag = optional.pipe(z.enum(['true', 'false', '1', '0']).optional());

/** Every environment variable `chartbot start` reads; config-variables.ts describes each one. */
export const configSchema = z.object({
  PORT: port,
  HOST: optional,
  CHARTBOT_API_PORT: port,
  CHARTBOT_MAX_BACKLOG: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1)).optional()),
  CHARTBOT_SHUTDOWN_GRACE_MS: milliseconds,
  CHARTBOT_REPLY_RETRY_MAX_MS: milliseconds,
  CHARTBOT_REDIS_URL: optional.pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional()),
  CHARTBOT_REDIS_PREFIX: optional.pipe(z.string().max(100).optional()),
  CHARTBOT_REDIS_LEASE_MS: optional.pipe(z.string().regex(/^\d+$/, 'must be milliseconds').transform(Number).pipe(z.number().min(500).max(600_000)).optional()),
  WHATSAPP_PROVIDER: optional.pipe(z.enum(['cloud', '360dialog', 'd7', 'console']).optional()),
  WHATSAPP_SENDER: optional,
  CHARTBOT_API_TOKEN: optional,
  CHARTBOT_THROUGHPUT_MPS: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(10000)).optional()),
  WHATSAPP_NUMBERS: optional,
  WHATSAPP_TOKEN: optional,
  WHATSAPP_API_URL: optional.pipe(z.url().optional()),
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  CHARTBOT_DATA_DIR: optional,
  FLOWS_DIR: optional,
  LOG_LEVEL: optional.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  CHARTBOT_FLOW: optional,
  CHARTBOT_MARK_READ: flag,
  CHARTBOT_STORE_JOURNAL: flag,
  WHATSAPP_360DIALOG_SECRET: optional,
  WHATSAPP_WEBHOOK_HEADER: optional.pipe(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name').optional()),
  WHATSAPP_WEBHOOK_SECRET: optional,
  CHARTBOT_ALLOW_UNSIGNED: flag,
  CHARTBOT_MASK_PHONES: flag,
  NODE_ENV: optional,
  CHARTBOT_SERVICE_TIMEOUT_MS: milliseconds,
  WHATSAPP_BUSINESS_ACCOUNT_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric WhatsApp Business Account id').optional()),
  CHARTBOT_TEMPLATE_CHECK: flag,
  WHATSAPP_FLOWS_PRIVATE_KEY: optional,
  WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE: optional,
  CHARTBOT_MICROSTEP_BUDGET: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(10)).optional()),
  // Hand-over to people (docs/handover.md).
  CHARTBOT_AGENT_WEBHOOK_URL: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  CHARTBOT_AGENT_WEBHOOK_SECRET: optional,
  CHATWOOT_URL: optional.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  CHATWOOT_API_TOKEN: optional,
  CHATWOOT_ACCOUNT_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric account id').transform(Number).optional()),
  CHATWOOT_INBOX_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric inbox id').transform(Number).optional()),
  CHATWOOT_WEBHOOK_TOKEN: optional,
  CHARTBOT_METRICS: flag,
  CHARTBOT_METRICS_TOKEN: optional,
  CHARTBOT_HISTORY_SIZE: optional.pipe(z.string().regex(/^\d+$/, 'must be a whole number (0 keeps no history)').transform(Number).pipe(z.number().max(1000, 'at most 1000 (every entry is saved with the contact)')).optional()),
  CHARTBOT_HISTORY_TEXT: flag,
});

/** The environment as the schema read it: trimmed, empty as unset, numbers as numbers. */
export type ConfigEnv = z.infer<typeof configSchema>;
