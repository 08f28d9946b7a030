import type Router from '@koa/router';
import type { Runtime } from '../conversation/runtime.ts';
import type { Logger } from '../logger.ts';
import type { AgentSink } from './agent-sink.ts';
import { agentWebhookSink, type AgentWebhookOptions } from './agent-webhook.ts';
import { ChatwootApi, type ChatwootOptions } from './chatwoot/chatwoot-api.ts';
import { chatwootRouter } from './chatwoot/chatwoot-router.ts';
import { chatwootSink } from './chatwoot/chatwoot-sink.ts';
import { handoverRouter } from './handover-router.ts';
import type { HandoverOptions } from './handovers.ts';

/** The hand-over settings a bot takes (see BotOptions). */
export interface HandoverBotOptions {
  handover?: HandoverOptions;
  /** POST signed hand-over notifications to your agent tool (CHARTBOT_AGENT_WEBHOOK_URL/_SECRET). */
  agentWebhook?: AgentWebhookOptions;
  /** Hand hand-overs to a Chatwoot API-channel inbox (CHATWOOT_*). */
  chatwoot?: ChatwootOptions;
}

/**
 * Turns a bot's hand-over settings into the runtime's sinks and the HTTP routes to mount: the agent
 * API (`/api/handovers`, with the API token) and Chatwoot's webhook (`/integrations/chatwoot`).
 */
export function handoverWiring(options: HandoverBotOptions, logger: Logger): { options: HandoverOptions; routers: (runtime: Runtime, apiToken: string | undefined) => Router[] } {
  const sinks: AgentSink[] = [...(options.handover?.sinks ?? [])];
  if (options.agentWebhook) sinks.push(agentWebhookSink(options.agentWebhook));
  const chatwoot = options.chatwoot && chatwootSink(new ChatwootApi(options.chatwoot), logger);
  if (chatwoot) sinks.push(chatwoot);
  return {
    options: { ...options.handover, sinks },
    routers(runtime, apiToken) {
      const routers: Router[] = [];
      if (apiToken) routers.push(handoverRouter(runtime, apiToken));
      if (options.chatwoot && chatwoot) {
        routers.push(chatwootRouter({ handovers: runtime.handovers, token: options.chatwoot.webhookToken, inboxId: options.chatwoot.inboxId, note: chatwoot.note, logger }));
      }
      return routers;
    },
  };
}
