import type { Clock } from '../conversation/clock.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { Provider, SendRequest, SendResult } from '../providers/provider.ts';
import { sleepOn, withRetry, type RetryPolicy } from './retry.ts';
import { ThroughputLimiter, type ThroughputLimits } from './throughput-limiter.ts';
import { isWindowOpen, needsOpenWindow, windowClosedError } from './window.ts';

/** Delivery discipline settings (all optional). */
export interface DeliveryOptions {
  retry?: RetryPolicy;
  limits?: ThroughputLimits;
  /** Refuse free-form sends outside the 24-hour window locally (default true). */
  enforceWindow?: boolean;
}

export interface OutboundSendRequest extends SendRequest {
  /** When the user last wrote (epoch ms); undefined: never. */
  lastInboundAt: number | undefined;
}

/**
 * The one path every outbound message takes: 24-hour window check (refused locally, no HTTP call),
 * then the throughput limiter, then the provider with retries. Callers send one contact's messages
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
    const { lastInboundAt, ...send } = request;
    if (this.options.enforceWindow !== false && needsOpenWindow(send.message) && !isWindowOpen(lastInboundAt, this.clock.now())) {
      throw windowClosedError(provider.name, send.message);
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
