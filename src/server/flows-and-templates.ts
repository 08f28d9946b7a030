import type Koa from 'koa';
import { systemClock, type Clock } from '../conversation/clock.ts';
import type { Runtime } from '../conversation/runtime.ts';
import type { DeliveryOptions } from '../delivery/outbound-sender.ts';
import { loadFlowsPrivateKey } from '../flows-endpoint/flow-crypto.ts';
import { flowTokenKey, FlowTokenIssuer } from '../flows-endpoint/flow-token.ts';
import { FlowsEndpoint, type FlowsEndpointOptions } from '../flows-endpoint/flows-endpoint.ts';
import type { Logger } from '../logger.ts';
import type { ParsedWebhook } from '../messages/parse-webhook.ts';
import { TemplateCatalog, type TemplateCatalogOptions } from '../templates/template-catalog.ts';

/** The bot options this part reads (see BotOptions). */
export interface FlowsAndTemplatesOptions {
  templates?: TemplateCatalogOptions | TemplateCatalog;
  flowsEndpoint?: FlowsEndpointOptions;
  appSecret?: string;
  clock?: Clock;
  delivery?: DeliveryOptions;
}

/**
 * The template check and the WhatsApp Flows data endpoint, both optional: the delivery options
 * they add (checking template sends, stamping signed flow tokens), the webhook hook that refetches
 * templates when their status changes, and the endpoint's routes.
 */
export function flowsAndTemplates(options: FlowsAndTemplatesOptions, logger: Logger) {
  const templates =
    options.templates === undefined ? undefined : options.templates instanceof TemplateCatalog ? options.templates : new TemplateCatalog({ logger, ...options.templates });
  const clock = options.clock ?? systemClock;
  const endpoint = options.flowsEndpoint;
  const flowsKey = endpoint ? (typeof endpoint.privateKey === 'string' ? loadFlowsPrivateKey(endpoint.privateKey, endpoint.passphrase) : endpoint.privateKey) : undefined;
  const flowTokens = flowsKey ? new FlowTokenIssuer(flowTokenKey(flowsKey), () => clock.now(), endpoint?.tokenTtlMs) : undefined;
  let flows: FlowsEndpoint | undefined;
  return {
    templates,
    get flows(): FlowsEndpoint | undefined {
      return flows;
    },
    delivery: { ...options.delivery, ...(templates ? { templates } : {}), ...(flowTokens ? { flowTokens } : {}) } satisfies DeliveryOptions,
    /**
     * Template status webhooks are not conversation events (the inbox journal skips them): they only
     * tell the template check to refetch, as soon as they arrive.
     */
    noteTemplateUpdates(parsed: ParsedWebhook): void {
      if (!parsed.templateUpdates?.length || !templates) return;
      logger.info({ updates: parsed.templateUpdates }, 'message templates changed: the template check refetches them');
      templates.invalidate();
    },
    /** Mounts `POST /flows/endpoint` when the endpoint is configured. */
    mount(app: Koa, runtime: Runtime, accepting: () => boolean): void {
      if (!endpoint || !flowsKey || !flowTokens) return;
      flows = new FlowsEndpoint(runtime, { ...endpoint, privateKey: flowsKey }, logger, options.appSecret, clock, flowTokens);
      if (!options.appSecret) logger.warn('SECURITY: the Flows endpoint runs without WHATSAPP_APP_SECRET: request signatures are not checked (flow tokens are still signed)');
      const routes = flows.routes(accepting);
      app.use(routes.routes()).use(routes.allowedMethods());
    },
    /** A catalog passed in is the caller's to close. */
    async close(): Promise<void> {
      if (templates && !(options.templates instanceof TemplateCatalog)) await templates.close();
    },
  };
}
