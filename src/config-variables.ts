import { configSchema } from './config.ts';

/** One environment variable of `chartbot start`, as `.env.example` and `chartbot start --help` list it. */
export interface ConfigVariable {
  name: string;
  /** What it does, in one line. */
  description: string;
  /** The value used when it is not set, as text; absent when there is none. */
  default?: string;
}

type VariableName = keyof typeof configSchema.shape;

/**
 * The meaning of each variable of the configuration schema. Keyed by the schema's own keys, so a
 * variable added to the schema without a line here does not compile: the lists derived from this
 * (`.env.example` of `chartbot init`, `chartbot start --help`) cannot drift from what is read.
 */
const VARIABLES: { [name in VariableName]: Omit<ConfigVariable, 'name'> } = {
  PORT: { description: 'HTTP port of the webhook server', default: '3000' },
  HOST: { description: 'interface to listen on (0.0.0.0: every interface, as containers need; 127.0.0.1 behind a local proxy)', default: '0.0.0.0' },
  CHARTBOT_API_PORT: { description: 'serve the /api routes on this port instead of PORT (needs CHARTBOT_API_TOKEN)' },
  CHARTBOT_MAX_BACKLOG: { description: 'queued jobs beyond which POST /webhook answers 503 with Retry-After and records nothing', default: '10000' },
  CHARTBOT_SHUTDOWN_GRACE_MS: { description: 'how long SIGTERM lets queued work drain before the process exits anyway', default: '10000' },
  CHARTBOT_REDIS_URL: { description: 'run as one of several instances on this Redis (redis:// or rediss://, password and db in the URL); everything lives there' },
  CHARTBOT_REDIS_PREFIX: { description: 'prefix of every Redis key, so several bots share one Redis', default: 'chartbot:' },
  CHARTBOT_REDIS_LEASE_MS: { description: 'how long a contact stays with an instance that stopped answering: the failover time', default: '5000' },
  CHARTBOT_REPLY_RETRY_MAX_MS: { description: 'how long a reply that keeps failing in a retryable way is retried before it is parked', default: '86400000' },
  WHATSAPP_PROVIDER: { description: 'gateway: cloud (Meta Cloud API), 360dialog, d7 (D7 Networks) or console (prints replies)', default: 'cloud with a token, else console' },
  WHATSAPP_TOKEN: { description: 'Meta access token (cloud), D360-API-KEY (360dialog) or D7 API token (d7)' },
  WHATSAPP_API_URL: { description: "the gateway's base URL (tests point it at a local mock)", default: "the gateway's public URL" },
  WHATSAPP_APP_SECRET: { description: "Meta app secret: every webhook POST must carry a valid X-Hub-Signature-256" },
  WHATSAPP_VERIFY_TOKEN: { description: "token for Meta's GET /webhook subscription challenge" },
  WHATSAPP_SENDER: { description: 'd7 only: your registered WhatsApp number (the originator)' },
  WHATSAPP_NUMBERS: { description: 'per-number gateways, JSON keyed by phone_number_id: {"<id>":{"provider":"d7","token":"…","sender":"…"}}' },
  WHATSAPP_360DIALOG_SECRET: { description: 'admit webhook POSTs signed by 360dialog (x-360dialog-signature)' },
  WHATSAPP_WEBHOOK_HEADER: { description: 'for gateways that do not sign: the header that must carry WHATSAPP_WEBHOOK_SECRET' },
  WHATSAPP_WEBHOOK_SECRET: { description: 'the value WHATSAPP_WEBHOOK_HEADER must carry (set both)' },
  CHARTBOT_DATA_DIR: { description: 'where conversations, the inbox journal and the outbox are kept', default: './data' },
  FLOWS_DIR: { description: 'folder of flow files (.ts or .js)', default: './flows' },
  LOG_LEVEL: { description: 'fatal, error, warn, info, debug, trace or silent (JSON logs)', default: 'info' },
  CHARTBOT_FLOW: { description: 'name of the catch-all flow when several flows could serve every number' },
  CHARTBOT_MARK_READ: { description: 'false turns automatic read receipts off', default: 'true' },
  CHARTBOT_STORE_JOURNAL: { description: "false turns off the store's write-ahead journal (one fsync'd file write per save)", default: 'true' },
  CHARTBOT_API_TOKEN: { description: 'bearer token of the /api/ routes (proactive messages, sessions, parked messages, hand-overs); off without it' },
  CHARTBOT_THROUGHPUT_MPS: { description: 'messages per second per business number', default: '80' },
  CHARTBOT_ALLOW_UNSIGNED: { description: 'true lets NODE_ENV=production start without any webhook secret', default: 'false' },
  CHARTBOT_MASK_PHONES: { description: 'true masks phone numbers in logs', default: 'false' },
  CHARTBOT_SERVICE_TIMEOUT_MS: { description: "how long a step waits for a flow's fromPromise services before the message is parked", default: '10000' },
  CHARTBOT_MICROSTEP_BUDGET: { description: 'most transitions one event may cause before the message is parked', default: '1000' },
  NODE_ENV: { description: 'production refuses to start without a webhook secret' },
  WHATSAPP_BUSINESS_ACCOUNT_ID: { description: 'the WhatsApp Business Account id whose message templates the template check reads' },
  CHARTBOT_TEMPLATE_CHECK: { description: 'true checks every template send against the account\'s approved templates before sending', default: 'false' },
  WHATSAPP_FLOWS_PRIVATE_KEY: { description: 'PEM private key of the WhatsApp Flows data endpoint (POST /flows/endpoint); off without it' },
  WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE: { description: 'passphrase of an encrypted WHATSAPP_FLOWS_PRIVATE_KEY' },
  CHARTBOT_AGENT_WEBHOOK_URL: { description: 'POST hand-over notifications (handover.started/message/ended) to your agent tool (needs CHARTBOT_AGENT_WEBHOOK_SECRET)' },
  CHARTBOT_AGENT_WEBHOOK_SECRET: { description: 'signs every agent webhook body: X-Chartbot-Signature: sha256=<hex HMAC-SHA256 of the body>' },
  CHATWOOT_URL: { description: 'Chatwoot base URL: hand-overs become conversations there (set all five CHATWOOT_ variables)' },
  CHATWOOT_API_TOKEN: { description: "a Chatwoot agent's access token, sent as api_access_token" },
  CHATWOOT_ACCOUNT_ID: { description: 'the Chatwoot account id (numeric)' },
  CHATWOOT_INBOX_ID: { description: 'the Chatwoot API-channel inbox hand-overs land in (numeric)' },
  CHATWOOT_WEBHOOK_TOKEN: { description: "16+ characters: Chatwoot's webhook must call POST /integrations/chatwoot?token=<this>" },
  CHARTBOT_METRICS: { description: 'true serves Prometheus metrics at GET /metrics', default: 'false' },
  CHARTBOT_METRICS_TOKEN: { description: 'bearer token GET /metrics then needs (open without it)' },
  CHARTBOT_HISTORY_SIZE: { description: "steps kept in each contact's history (GET /api/sessions/{phone_number_id}/{wa_id}/history); 0 keeps none", default: '50' },
  CHARTBOT_HISTORY_TEXT: { description: 'true keeps the text of messages in the history too', default: 'false' },
};

const ORDER = Object.keys(VARIABLES);

/** Every variable `chartbot start` reads (the schema's keys), in the order of the table above. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.keys(configSchema.shape)
  .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
  .map((name) => ({ name, ...VARIABLES[name as VariableName] }));
