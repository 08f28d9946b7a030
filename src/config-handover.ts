import type { Config } from './config.ts';
import { ConfigError } from './config-error.ts';
import type { ConfigEnv } from './config-schema.ts';

/** The agent webhook and the Chatwoot connector: each all or nothing, so a half-set one fails at start. */
export function handoverConfig(e: ConfigEnv): Pick<Config, 'agentWebhook' | 'chatwoot'> {
  const config: Pick<Config, 'agentWebhook' | 'chatwoot'> = {};
  if (e.CHARTBOT_AGENT_WEBHOOK_URL || e.CHARTBOT_AGENT_WEBHOOK_SECRET) {
    if (!e.CHARTBOT_AGENT_WEBHOOK_URL || !e.CHARTBOT_AGENT_WEBHOOK_SECRET) {
      throw new ConfigError('CHARTBOT_AGENT_WEBHOOK_URL and CHARTBOT_AGENT_WEBHOOK_SECRET go together: where to POST hand-over events, and the secret that signs them (X-Chartbot-Signature)');
    }
    config.agentWebhook = { url: e.CHARTBOT_AGENT_WEBHOOK_URL, secret: e.CHARTBOT_AGENT_WEBHOOK_SECRET };
  }
  const chatwoot = {
    CHATWOOT_URL: e.CHATWOOT_URL,
    CHATWOOT_API_TOKEN: e.CHATWOOT_API_TOKEN,
    CHATWOOT_ACCOUNT_ID: e.CHATWOOT_ACCOUNT_ID,
    CHATWOOT_INBOX_ID: e.CHATWOOT_INBOX_ID,
    CHATWOOT_WEBHOOK_TOKEN: e.CHATWOOT_WEBHOOK_TOKEN,
  };
  const missing = Object.entries(chatwoot).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length > 0 && missing.length < 5) {
    throw new ConfigError(`the Chatwoot connector needs ${missing.join(', ')} too (set all of CHATWOOT_URL, CHATWOOT_API_TOKEN, CHATWOOT_ACCOUNT_ID, CHATWOOT_INBOX_ID, CHATWOOT_WEBHOOK_TOKEN, or none)`);
  }
  if (missing.length === 0) {
    if (chatwoot.CHATWOOT_WEBHOOK_TOKEN!.length < 16) {
      throw new ConfigError('CHATWOOT_WEBHOOK_TOKEN must be at least 16 characters (it is the only thing that admits Chatwoot\'s webhook): e.g. openssl rand -hex 24');
    }
    config.chatwoot = {
      url: chatwoot.CHATWOOT_URL!,
      apiToken: chatwoot.CHATWOOT_API_TOKEN!,
      accountId: chatwoot.CHATWOOT_ACCOUNT_ID!,
      inboxId: chatwoot.CHATWOOT_INBOX_ID!,
      webhookToken: chatwoot.CHATWOOT_WEBHOOK_TOKEN!,
    };
  }
  return config;
}
