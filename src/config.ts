import { CLOUD_API_DEFAULT_URL, DIALOG360_DEFAULT_URL } from './providers/cloud-api.ts';
import { D7_DEFAULT_URL } from './providers/d7.ts';
import { ConfigError } from './config-error.ts';
import { handoverConfig } from './config-handover.ts';
import { parseNumbers, type NumberProviderConfig } from './config-numbers.ts';
import { configSchema } from './config-schema.ts';

// The configuration's pieces, importable from here: its error, its schema, WHATSAPP_NUMBERS.
export { ConfigError } from './config-error.ts';
export { configSchema } from './config-schema.ts';
export type { NumberProviderConfig } from './config-numbers.ts';

/** The gateways `WHATSAPP_PROVIDER` can name. */
export type ProviderName = 'cloud' | '360dialog' | 'd7' | 'console';

/** The configuration `chartbot start` reads from the environment (see `loadConfig` and docs/configuration.md). */
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
  /** The lowdb store's write-ahead journal (on unless CHARTBOT_STORE_JOURNAL=false). */
  storeWriteAhead: boolean;
  /** Why the provider was chosen when the user did not say (logged at start). */
  warnings: string[];
  /** D7 originator (WHATSAPP_SENDER). */
  sender?: string;
  /** Bearer token of the proactive-message API (CHARTBOT_API_TOKEN); the API is off without it. */
  apiToken?: string;
  /** Messages per second per business number (CHARTBOT_THROUGHPUT_MPS, default 80). */
  throughputMps: number;
  /** Per-number gateways by phone_number_id (WHATSAPP_NUMBERS, JSON). */
  numbers: Record<string, NumberProviderConfig>;
  /** 360dialog's webhook signature secret (WHATSAPP_360DIALOG_SECRET). */
  dialog360Secret?: string;
  /** Shared-secret header for gateways that do not sign (WHATSAPP_WEBHOOK_HEADER + WHATSAPP_WEBHOOK_SECRET). */
  webhookHeader?: { name: string; secret: string };
  /** Mask phone numbers in logs (CHARTBOT_MASK_PHONES=true). */
  maskPhones: boolean;
  /** How long a step waits for a flow's promise services (CHARTBOT_SERVICE_TIMEOUT_MS). */
  serviceTimeoutMs?: number;
  /** Most transitions one event may cause (CHARTBOT_MICROSTEP_BUDGET). */
  microstepBudget?: number;
  /** Interface the server listens on (HOST, default 0.0.0.0: every interface, as containers need). */
  host: string;
  /** Serve the /api routes on their own port (CHARTBOT_API_PORT). */
  apiPort?: number;
  /** Jobs queued beyond which webhooks get 503 (CHARTBOT_MAX_BACKLOG, default 10,000). */
  maxBacklog?: number;
  /** How long SIGTERM waits for queued work before exiting (CHARTBOT_SHUTDOWN_GRACE_MS, default 10 s). */
  shutdownGraceMs: number;
  /** How long a reply that keeps failing in a retryable way is retried (CHARTBOT_REPLY_RETRY_MAX_MS, default 24 h). */
  replyRetryMaxMs?: number;
  /** Several instances on one Redis (CHARTBOT_REDIS_URL, CHARTBOT_REDIS_PREFIX, CHARTBOT_REDIS_LEASE_MS). */
  redis?: { url: string; prefix: string; leaseMs?: number };
  /** WhatsApp Business Account id (WHATSAPP_BUSINESS_ACCOUNT_ID): whose templates are listed and checked. */
  businessAccountId?: string;
  /** Check template sends against the account's templates (CHARTBOT_TEMPLATE_CHECK=true). */
  templateCheck: boolean;
  /** PEM private key of the WhatsApp Flows data endpoint (WHATSAPP_FLOWS_PRIVATE_KEY); the endpoint is off without it. */
  flowsPrivateKey?: string;
  /** Passphrase of an encrypted WHATSAPP_FLOWS_PRIVATE_KEY (WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE). */
  flowsPrivateKeyPassphrase?: string;
  /** Hand-over notifications to your agent tool (CHARTBOT_AGENT_WEBHOOK_URL + CHARTBOT_AGENT_WEBHOOK_SECRET). */
  agentWebhook?: { url: string; secret: string };
  /** The Chatwoot connector (CHATWOOT_URL, CHATWOOT_API_TOKEN, CHATWOOT_ACCOUNT_ID, CHATWOOT_INBOX_ID, CHATWOOT_WEBHOOK_TOKEN). */
  chatwoot?: { url: string; apiToken: string; accountId: number; inboxId: number; webhookToken: string };
  /** Serve Prometheus metrics at GET /metrics (CHARTBOT_METRICS=true). */
  metrics: boolean;
  /** Bearer token GET /metrics requires (CHARTBOT_METRICS_TOKEN). */
  metricsToken?: string;
  /** Steps kept in each contact's history (CHARTBOT_HISTORY_SIZE, default 50; 0 keeps none). */
  historySize: number;
  /** Keep message text in the history (CHARTBOT_HISTORY_TEXT=true; default off). */
  historyText: boolean;
}

const isTrue = (v: string | undefined): boolean => v === 'true' || v === '1';

/** Reads the configuration from environment variables (see docs/configuration.md). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
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
    throw new ConfigError(`WHATSAPP_PROVIDER=${provider} needs WHATSAPP_TOKEN (the ${provider === 'cloud' ? 'Meta access token' : provider === 'd7' ? 'D7 API token' : '360dialog API key'})`);
  }
  if (provider === 'd7' && !e.WHATSAPP_SENDER) {
    throw new ConfigError('WHATSAPP_PROVIDER=d7 needs WHATSAPP_SENDER (your registered WhatsApp number, the originator)');
  }
  const numbers = parseNumbers(e.WHATSAPP_NUMBERS);
  if (Boolean(e.WHATSAPP_WEBHOOK_HEADER) !== Boolean(e.WHATSAPP_WEBHOOK_SECRET)) {
    throw new ConfigError('WHATSAPP_WEBHOOK_HEADER and WHATSAPP_WEBHOOK_SECRET go together: the header name and the secret value the gateway sends in it');
  }
  if (!e.WHATSAPP_APP_SECRET && !e.WHATSAPP_360DIALOG_SECRET && !e.WHATSAPP_WEBHOOK_SECRET) {
    const none = 'no webhook secret is set (WHATSAPP_APP_SECRET, WHATSAPP_360DIALOG_SECRET or WHATSAPP_WEBHOOK_HEADER + WHATSAPP_WEBHOOK_SECRET)';
    if (e.NODE_ENV === 'production' && !isTrue(e.CHARTBOT_ALLOW_UNSIGNED)) {
      throw new ConfigError(`NODE_ENV=production but ${none}: set one, or CHARTBOT_ALLOW_UNSIGNED=true to accept unsigned webhooks`);
    }
    warnings.push(`SECURITY: ${none}: webhook signatures are NOT checked, anyone can post messages to this bot`);
  }
  const templateCheck = isTrue(e.CHARTBOT_TEMPLATE_CHECK);
  if (templateCheck) {
    if (!e.WHATSAPP_BUSINESS_ACCOUNT_ID) throw new ConfigError('CHARTBOT_TEMPLATE_CHECK=true needs WHATSAPP_BUSINESS_ACCOUNT_ID (the WhatsApp Business Account id whose templates are read, in WhatsApp Manager → Account tools)');
    if (!e.WHATSAPP_TOKEN) throw new ConfigError('CHARTBOT_TEMPLATE_CHECK=true needs WHATSAPP_TOKEN (a token allowed to read the account\'s message templates)');
    if (provider !== 'cloud') throw new ConfigError(`CHARTBOT_TEMPLATE_CHECK=true reads templates from Meta's Graph API, which needs WHATSAPP_PROVIDER=cloud (got ${provider})`);
  }
  if (e.WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE && !e.WHATSAPP_FLOWS_PRIVATE_KEY) {
    throw new ConfigError('WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE is set but WHATSAPP_FLOWS_PRIVATE_KEY is not (the PEM private key it unlocks)');
  }
  if (e.WHATSAPP_FLOWS_PRIVATE_KEY && !e.WHATSAPP_FLOWS_PRIVATE_KEY.includes('PRIVATE KEY-----')) {
    throw new ConfigError('WHATSAPP_FLOWS_PRIVATE_KEY must be a PEM private key ("-----BEGIN PRIVATE KEY-----…"; `chartbot flows keygen` makes one)');
  }
  const config: Config = {
    port: e.PORT ?? 3000,
    templateCheck,
    provider,
    apiUrl: e.WHATSAPP_API_URL ?? defaultApiUrl(provider),
    dataDir: e.CHARTBOT_DATA_DIR ?? './data',
    flowsDir: e.FLOWS_DIR ?? './flows',
    logLevel: e.LOG_LEVEL ?? 'info',
    markRead: e.CHARTBOT_MARK_READ === undefined || isTrue(e.CHARTBOT_MARK_READ),
    storeWriteAhead: e.CHARTBOT_STORE_JOURNAL === undefined || isTrue(e.CHARTBOT_STORE_JOURNAL),
    warnings,
    throughputMps: e.CHARTBOT_THROUGHPUT_MPS ?? 80,
    numbers,
    maskPhones: isTrue(e.CHARTBOT_MASK_PHONES),
    host: e.HOST ?? '0.0.0.0',
    shutdownGraceMs: e.CHARTBOT_SHUTDOWN_GRACE_MS ?? 10_000,
    metrics: isTrue(e.CHARTBOT_METRICS),
    historySize: e.CHARTBOT_HISTORY_SIZE ?? 50,
    historyText: isTrue(e.CHARTBOT_HISTORY_TEXT),
  };
  if (e.CHARTBOT_API_PORT !== undefined) {
    if (!e.CHARTBOT_API_TOKEN) throw new ConfigError('CHARTBOT_API_PORT serves the API, which is off without CHARTBOT_API_TOKEN: set the token too');
    if (e.CHARTBOT_API_PORT === (e.PORT ?? 3000) && e.CHARTBOT_API_PORT !== 0) throw new ConfigError(`CHARTBOT_API_PORT=${e.CHARTBOT_API_PORT} is the webhook's PORT too: choose another port for the API`);
    config.apiPort = e.CHARTBOT_API_PORT;
  }
  if (e.CHARTBOT_MAX_BACKLOG !== undefined) config.maxBacklog = e.CHARTBOT_MAX_BACKLOG;
  if (e.CHARTBOT_REDIS_URL !== undefined) {
    config.redis = { url: e.CHARTBOT_REDIS_URL, prefix: e.CHARTBOT_REDIS_PREFIX ?? 'chartbot:', ...(e.CHARTBOT_REDIS_LEASE_MS === undefined ? {} : { leaseMs: e.CHARTBOT_REDIS_LEASE_MS }) };
  } else if (e.CHARTBOT_REDIS_PREFIX !== undefined || e.CHARTBOT_REDIS_LEASE_MS !== undefined) {
    throw new ConfigError('CHARTBOT_REDIS_PREFIX and CHARTBOT_REDIS_LEASE_MS only apply with CHARTBOT_REDIS_URL (redis://host:6379): set it, or remove them');
  }
  if (e.CHARTBOT_REPLY_RETRY_MAX_MS !== undefined) config.replyRetryMaxMs = e.CHARTBOT_REPLY_RETRY_MAX_MS;
  if (e.CHARTBOT_METRICS_TOKEN) {
    if (!config.metrics) warnings.push('CHARTBOT_METRICS_TOKEN is set but CHARTBOT_METRICS is not true: GET /metrics is off');
    config.metricsToken = e.CHARTBOT_METRICS_TOKEN;
  } else if (config.metrics && e.NODE_ENV === 'production') {
    warnings.push('CHARTBOT_METRICS=true without CHARTBOT_METRICS_TOKEN: anyone who reaches the port can read GET /metrics');
  }
  if (e.CHARTBOT_SERVICE_TIMEOUT_MS) config.serviceTimeoutMs = e.CHARTBOT_SERVICE_TIMEOUT_MS;
  if (e.CHARTBOT_MICROSTEP_BUDGET) config.microstepBudget = e.CHARTBOT_MICROSTEP_BUDGET;
  if (e.WHATSAPP_360DIALOG_SECRET) config.dialog360Secret = e.WHATSAPP_360DIALOG_SECRET;
  if (e.WHATSAPP_WEBHOOK_HEADER && e.WHATSAPP_WEBHOOK_SECRET) config.webhookHeader = { name: e.WHATSAPP_WEBHOOK_HEADER, secret: e.WHATSAPP_WEBHOOK_SECRET };
  if (e.WHATSAPP_SENDER) config.sender = e.WHATSAPP_SENDER;
  if (e.CHARTBOT_API_TOKEN) config.apiToken = e.CHARTBOT_API_TOKEN;
  if (e.WHATSAPP_TOKEN) config.token = e.WHATSAPP_TOKEN;
  if (e.WHATSAPP_APP_SECRET) config.appSecret = e.WHATSAPP_APP_SECRET;
  if (e.WHATSAPP_VERIFY_TOKEN) config.verifyToken = e.WHATSAPP_VERIFY_TOKEN;
  if (e.CHARTBOT_FLOW) config.defaultFlow = e.CHARTBOT_FLOW;
  if (e.WHATSAPP_BUSINESS_ACCOUNT_ID) config.businessAccountId = e.WHATSAPP_BUSINESS_ACCOUNT_ID;
  // Environment variables cannot hold new lines everywhere: `\n` in the value stands for one.
  if (e.WHATSAPP_FLOWS_PRIVATE_KEY) config.flowsPrivateKey = e.WHATSAPP_FLOWS_PRIVATE_KEY.replace(/\\n/g, '\n');
  if (e.WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE) config.flowsPrivateKeyPassphrase = e.WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE;
  Object.assign(config, handoverConfig(e));
  return config;
}

/** The gateway's public base URL. */
export function defaultApiUrl(provider: ProviderName): string {
  return provider === '360dialog' ? DIALOG360_DEFAULT_URL : provider === 'd7' ? D7_DEFAULT_URL : CLOUD_API_DEFAULT_URL;
}
