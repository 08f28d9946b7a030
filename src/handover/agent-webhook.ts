import { Agent } from 'undici';
import { parseRetryAfter } from '../providers/retry-after.ts';
import { ProviderError } from '../providers/provider.ts';
import { signBody } from '../webhook/signature.ts';
import type { AgentSink } from './agent-sink.ts';

/** Where and how the agent webhook POSTs (CHARTBOT_AGENT_WEBHOOK_URL, CHARTBOT_AGENT_WEBHOOK_SECRET). */
export interface AgentWebhookOptions {
  /** Where to POST (`CHARTBOT_AGENT_WEBHOOK_URL`). */
  url: string;
  /** Signs every body (`CHARTBOT_AGENT_WEBHOOK_SECRET`): `X-Chartbot-Signature: sha256=<hex HMAC-SHA256>`. */
  secret: string;
  /** Headers and body timeout per POST (default 10 s). */
  timeoutMs?: number;
}

/** The agent webhook's signature header. */
export const AGENT_SIGNATURE_HEADER = 'x-chartbot-signature';

/**
 * The agent webhook: every hand-over notification is POSTed as JSON to your agent tool, signed like
 * Meta signs its webhooks (`X-Chartbot-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed
 * with the secret). Any 2xx counts as delivered; anything else (or no answer) is retried with backoff,
 * honouring `Retry-After`. `X-Chartbot-Notification` carries the notification id for de-duplication.
 */
export function agentWebhookSink(options: AgentWebhookOptions): AgentSink {
  if (!/^https?:\/\//.test(options.url)) throw new Error(`agent webhook URL must be http(s), got ${options.url}`);
  if (!options.secret) throw new Error('the agent webhook needs a secret to sign its bodies (CHARTBOT_AGENT_WEBHOOK_SECRET)');
  const timeout = options.timeoutMs ?? 10_000;
  const target = new URL(options.url);
  const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000, headersTimeout: timeout, bodyTimeout: timeout });
  return {
    name: 'webhook',
    async deliver(notification) {
      const body = JSON.stringify(notification);
      let response;
      try {
        response = await agent.request({
          origin: target.origin,
          path: target.pathname + target.search,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'chartbot',
            [AGENT_SIGNATURE_HEADER]: signBody(body, options.secret),
            'x-chartbot-notification': notification.id,
          },
          body,
        });
      } catch (error) {
        throw new ProviderError(`agent webhook unreachable: ${(error as Error).message}`, { provider: 'agent-webhook', code: 0, title: 'unreachable', retryable: true });
      }
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return undefined;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
      throw new ProviderError(`agent webhook answered ${response.statusCode}: ${text.slice(0, 200)}`, {
        provider: 'agent-webhook',
        status: response.statusCode,
        code: response.statusCode,
        title: `HTTP ${response.statusCode}`,
        retryable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    },
    async close() {
      await agent.close();
    },
  };
}
