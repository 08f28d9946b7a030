import type { Clock } from '../conversation/clock.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { ProviderError, type Provider, type SendRequest, type SendResult } from '../providers/provider.ts';
import { needsFlowToken } from '../flows-endpoint/flow-token-placeholder.ts';
import { contactKey } from '../store/contact-record.ts';
import { traceProviderCall } from '../observability/tracing.ts';
import { sleepOn, withRetry, type RetryPolicy } from './retry.ts';
import { ThroughputLimiter, type ThroughputLimits } from './throughput-limiter.ts';
import { isWindowOpen, needsOpenWindow, windowClosedError } from './window.ts';

/** Thrown by `attempt` when the caller said not to proceed (the bot is stopping): nothing was sent. */
export class DeliveryHaltedError extends Error {
  override readonly name = 'DeliveryHaltedError';
  constructor() {
    super('delivery halted: the bot is stopping');
  }
}

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
  templates?: {
    /** Resolves when `message` may be sent; rejects with a ProviderError saying what does not match. */
    check(message: OutboundMessage): Promise<void>;
  };
  /**
   * Stamps the signed `flow_token` into Flow invitations built with `endpoint: true` (the Flows data
   * endpoint's token issuer); without it such an invitation is refused.
   */
  flowTokens?: {
    /** The Flow invitation with its placeholder replaced by a token signed for this contact. */
    stamp(message: OutboundMessage, businessNumberId: string, to: string): OutboundMessage;
  };
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

  /** Sends one message: refused locally outside the 24-hour window (code 131047), else paced and sent with retries. Rejects with the final `ProviderError`. */
  async send(request: OutboundSendRequest): Promise<SendResult> {
    const provider = this.providerFor(request.businessNumberId);
    const send: SendRequest = { businessNumberId: request.businessNumberId, to: request.to, message: await this.prepare(provider, request) };
    return withRetry(
      async () => {
        await this.limiter.acquire(send.businessNumberId, send.to);
        return tracedSend(provider, send);
      },
      {
        sleep: this.sleep,
        ...(this.options.retry ? { policy: this.options.retry } : {}),
        onRetry: (error, attempt, delayMs) =>
          this.logger.warn({ err: error, to: send.to, type: send.message.type, attempt, delayMs }, 'send failed, retrying'),
      },
    );
  }

  /**
   * One attempt: the window check, the limiter, one provider call. The outbox uses this and keeps a
   * reply that failed in a retryable way for a later attempt, so a long outage holds no contact's
   * queue and survives restarts.
   */
  async attempt(request: OutboundSendRequest, proceed: () => boolean = () => true): Promise<SendResult> {
    const provider = this.providerFor(request.businessNumberId);
    const message = await this.prepare(provider, request);
    await this.limiter.acquire(request.businessNumberId, request.to);
    // The limiter may have made us wait: a bot that is stopping sends nothing new after that.
    if (!proceed()) throw new DeliveryHaltedError();
    return tracedSend(provider, { businessNumberId: request.businessNumberId, to: request.to, message });
  }

  /**
   * What every send goes through before the limiter: the 24-hour window, the template check (no
   * HTTP call for a template that would be refused), and the signed flow token of a Flow invitation.
   * Throws a ProviderError for a message that must not be sent; returns the message to send.
   */
  private async prepare(provider: Provider, request: OutboundSendRequest): Promise<OutboundMessage> {
    const { message, lastInboundAt } = request;
    if (this.options.enforceWindow !== false && needsOpenWindow(message) && !isWindowOpen(lastInboundAt, this.clock.now())) {
      throw windowClosedError(provider.name, message);
    }
    if (this.options.templates) await this.options.templates.check(message);
    if (!needsFlowToken(message)) return message;
    if (!this.options.flowTokens) {
      throw new ProviderError('flow invitation with endpoint: true, but the Flows endpoint is not configured', {
        provider: provider.name,
        code: 0,
        title: 'flowInvitation({ endpoint: true }) needs the Flows data endpoint: set WHATSAPP_FLOWS_PRIVATE_KEY (or createBot({ flowsEndpoint }))',
        retryable: false,
      });
    }
    return this.options.flowTokens.stamp(message, request.businessNumberId, request.to);
  }
}

/** One gateway call, in a span of its own (src/observability/tracing.ts). */
function tracedSend(provider: Provider, request: SendRequest): Promise<SendResult> {
  const details = { provider: provider.name, key: contactKey(request.businessNumberId, request.to), messageType: request.message.type };
  return traceProviderCall('send', details, () => provider.send(request));
}
