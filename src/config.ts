import { z } from 'zod';
import { CLOUD_API_DEFAULT_URL, DIALOG360_DEFAULT_URL } from './providers/cloud-api.ts';

/** Thrown for a configuration that cannot work; the message names the variable and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type ProviderName = 'cloud' | '360dialog' | 'console';

export interface Config {
  port: number;
  provider: ProviderName;
  token?: string;
  apiUrl: string;
  appSecret?: string;
  verifyToken?: string;
  dataDir: string;
  flowsDir: string;
  logLevel: string;
  /** Name of the catch-all flow when several flows could serve every number. */
  defaultFlow?: string;
  /** Mark inbound messages read (CHARTBOT_MARK_READ=false turns it off). */
  markRead: boolean;
  /** Why the provider was chosen when the user did not say (logged at start). */
  warnings: string[];
}

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const schema = z.object({
  PORT: optional.pipe(z.string().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().max(65535)).optional()),
  WHATSAPP_PROVIDER: optional.pipe(z.enum(['cloud', '360dialog', 'console']).optional()),
  WHATSAPP_TOKEN: optional,
  WHATSAPP_API_URL: optional.pipe(z.url().optional()),
  WHATSAPP_APP_SECRET: optional,
  WHATSAPP_VERIFY_TOKEN: optional,
  CHARTBOT_DATA_DIR: optional,
  FLOWS_DIR: optional,
  LOG_LEVEL: optional.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  CHARTBOT_FLOW: optional,
  CHARTBOT_MARK_READ: optional.pipe(z.enum(['true', 'false', '1', '0']).optional()),
});

/** Reads the configuration from environment variables (see the README's table). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = result.data;
  const warnings: string[] = [];
  let provider: ProviderName;
  if (e.WHATSAPP_PROVIDER) provider = e.WHATSAPP_PROVIDER;
  else if (e.WHATSAPP_TOKEN) provider = 'cloud';
  else {
    provider = 'console';
    warnings.push('WHATSAPP_TOKEN is not set: replies are printed to the console instead of sent (WHATSAPP_PROVIDER=console)');
  }
  if (provider !== 'console' && !e.WHATSAPP_TOKEN) {
    throw new ConfigError(`WHATSAPP_PROVIDER=${provider} needs WHATSAPP_TOKEN (the ${provider === 'cloud' ? 'Meta access token' : '360dialog API key'})`);
  }
  if (!e.WHATSAPP_APP_SECRET) {
    warnings.push('WHATSAPP_APP_SECRET is not set: webhook signatures are NOT checked, anyone can post messages to this bot');
  }
  const config: Config = {
    port: e.PORT ?? 3000,
    provider,
    apiUrl: e.WHATSAPP_API_URL ?? (provider === '360dialog' ? DIALOG360_DEFAULT_URL : CLOUD_API_DEFAULT_URL),
    dataDir: e.CHARTBOT_DATA_DIR ?? './data',
    flowsDir: e.FLOWS_DIR ?? './flows',
    logLevel: e.LOG_LEVEL ?? 'info',
    markRead: e.CHARTBOT_MARK_READ === undefined ? true : ['true', '1'].includes(e.CHARTBOT_MARK_READ),
    warnings,
  };
  if (e.WHATSAPP_TOKEN) config.token = e.WHATSAPP_TOKEN;
  if (e.WHATSAPP_APP_SECRET) config.appSecret = e.WHATSAPP_APP_SECRET;
  if (e.WHATSAPP_VERIFY_TOKEN) config.verifyToken = e.WHATSAPP_VERIFY_TOKEN;
  if (e.CHARTBOT_FLOW) config.defaultFlow = e.CHARTBOT_FLOW;
  return config;
}
