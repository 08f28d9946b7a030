import type Router from '@koa/router';
import type { Runtime } from '../conversation/runtime.ts';
import type { Logger } from '../logger.ts';
import type { AgentSink } from './agent-sink.ts';
import { agentWebhookSink, type AgentWebhookOptions } from './agent-webhook.ts';
import { ChatwootApi, type ChatwootOptions } from './chatwoot/chatwoot-api.ts';
import { chatwootRouter } from './chatwoot/chatwoot-router.ts';
import { chatwootSink } from './chatwoot/chatwoot-sink.ts';
import { handoverRouter } from './handover-router.ts';
import type { HandoverOptions } from './handover-types.ts';

/** The hand-over settings a bot takes (see BotOptions). */
export interface HandoverBotOptions {
  handover?: HandoverOptions;
  /** POST signed hand-over notifications to your agent tool (CHARTBOT_AGENT_WEBHOOK_URL/_SECRET). */
  agentWebhook?: AgentWebhookOptions;
  /** Hand hand-overs to a Chatwoot API-channel inbox (CHATWOOT_*). */
  chatwoot?: ChatwootOptions;
}

/** What a bot mounts for hand-overs. */
export interface HandoverWiring {
  /** The runtime's hand-over options (sinks included). */
  options: HandoverOptions;
  /** Routes served with the API (`/api/handovers`, behind the API token). */
  apiRouters(runtime: Runtime, apiToken: string): Router[];
  /** Routes served on the webhook's port (`/integrations/chatwoot`, authenticated by its own token). */
  publicRouters(runtime: Runtime): Router[];
}

/**
 * Turns a bot's hand-over settings into the runtime's sinks and the HTTP routes to mount: the agent
 * API (`/api/handovers`, with the API token) and Chatwoot's webhook (`/integrations/chatwoot`).
 */
export function handoverWiring(options: HandoverBotOptions, logger: Logger): HandoverWiring {
  const sinks: AgentSink[] = [...(options.handover?.sinks ?? [])];
  if (options.agentWebhook) sinks.push(agentWebhookSink(options.agentWebhook));
  const chatwoot = options.chatwoot && chatwootSink(new ChatwootApi(options.chatwoot), logger);
  if (chatwoot) sinks.push(chatwoot);
  return {
    options: { ...options.handover, sinks },
    apiRouters: (runtime, apiToken) => [handoverRouter(runtime, apiToken)],
    publicRouters(runtime) {
      if (!options.chatwoot || !chatwoot) return [];
      return [chatwootRouter({ handovers: runtime.handovers, token: options.chatwoot.webhookToken, inboxId: options.chatwoot.inboxId, note: chatwoot.note, logger })];
    },
  };
}
