import type { Clock } from '../conversation/clock.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { ProviderError, type Provider, type SendRequest, type SendResult } from '../providers/provider.ts';
import { needsFlowToken } from '../flows-endpoint/flow-token-placeholder.ts';
import { sleepOn, withRetry, type RetryPolicy } from './retry.ts';
import { ThroughputLimiter, type ThroughputLimits } from './throughput-limiter.ts';
import { isWindowOpen, needsOpenWindow, windowClosedError } from './window.ts';

/** Delivery discipline settings (all optional). */
export interface DeliveryOptions {
  retry?: RetryPolicy;
  limits?: ThroughputLimits;
  /** Refuse free-form sends outside the 24-hour window locally (default true). */
  enforceWindow?: boolean;
  /**
   * Checks every template send against the business's templates before the HTTP call
   * (`TemplateCatalog`, the `templates` option of createBot); a mismatch throws a ProviderError.
   */
  templates?: { check(message: OutboundMessage): Promise<void> };
  /**
   * Stamps the signed `flow_token` into Flow invitations built with `endpoint: true` (the Flows data
   * endpoint's token issuer); without it such an invitation is refused.
   */
  flowTokens?: { stamp(message: OutboundMessage, businessNumberId: string, to: string): OutboundMessage };
}

export interface OutboundSendRequest extends SendRequest {
  /** When the user last wrote (epoch ms); undefined: never. */
  lastInboundAt: number | undefined;
}

/**
 * The one path every outbound message takes: 24-hour window check and template check (both refused
 * locally, no HTTP call), Flow tokens stamped, then the throughput limiter, then the provider with retries. Callers send one contact's messages
 * one after another, so retries never reorder them.
 */
export class OutboundSender {
  readonly limiter: ThroughputLimiter;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly providerFor: (businessNumberId: string) => Provider,
    private readonly clock: Clock,
    private readonly options: DeliveryOptions = {},
    private readonly logger: Logger = silentLogger(),
  ) {
    this.limiter = new ThroughputLimiter(clock, options.limits);
    this.sleep = sleepOn(clock);
  }

  async send(request: OutboundSendRequest): Promise<SendResult> {
    const provider = this.providerFor(request.businessNumberId);
    const { lastInboundAt, ...send } = request;
    if (this.options.enforceWindow !== false && needsOpenWindow(send.message) && !isWindowOpen(lastInboundAt, this.clock.now())) {
      throw windowClosedError(provider.name, send.message);
    }
    if (this.options.templates) await this.options.templates.check(send.message);
    if (needsFlowToken(send.message)) {
      if (!this.options.flowTokens) {
        throw new ProviderError('flow invitation with endpoint: true, but the Flows endpoint is not configured', {
          provider: provider.name,
          code: 0,
          title: 'flowInvitation({ endpoint: true }) needs the Flows data endpoint: set WHATSAPP_FLOWS_PRIVATE_KEY (or createBot({ flowsEndpoint }))',
          retryable: false,
        });
      }
      send.message = this.options.flowTokens.stamp(send.message, send.businessNumberId, send.to);
    }
    return withRetry(
      async () => {
        await this.limiter.acquire(send.businessNumberId, send.to);
        return provider.send(send);
      },
      {
        sleep: this.sleep,
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        onRetry: (error, attempt, delayMs) =>
          this.logger.warn({ err: error, to: send.to, type: send.message.type, attempt, delayMs }, 'send failed, retrying'),
      },
    );
  }
}
