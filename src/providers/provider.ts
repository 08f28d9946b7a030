import type { OutboundMessage } from '../messages/outbound.ts';

/** One message to send from a business number to a WhatsApp user. */
export interface SendRequest {
  /** `phone_number_id` of the business number sending it. */
  businessNumberId: string;
  /** The recipient's WhatsApp id (phone digits) or business-scoped user id. */
  to: string;
  message: OutboundMessage;
}

export interface SendResult {
  /** The id WhatsApp assigned (`wamid…`); statuses for it arrive by webhook. */
  messageId: string;
}

export interface MarkReadRequest {
  businessNumberId: string;
  /** The inbound message id to mark read. */
  messageId: string;
}

/**
 * A gateway to WhatsApp. One small adapter per gateway (Cloud API, 360dialog, console, …) behind
 * this interface; the runtime never speaks HTTP itself.
 */
export interface Provider {
  readonly name: string;
  send(request: SendRequest): Promise<SendResult>;
  markRead(request: MarkReadRequest): Promise<void>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/**
 * A gateway refused a request or could not be reached. `code` is WhatsApp's error code when the
 * gateway gave one (e.g. 131047), else the HTTP status; `retryable` says whether trying again later
 * can succeed.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly details: {
      provider: string;
      status?: number;
      code: number;
      title: string;
      retryable: boolean;
      body?: unknown;
    },
  ) {
    super(message);
  }
  get code(): number {
    return this.details.code;
  }
  get title(): string {
    return this.details.title;
  }
}
