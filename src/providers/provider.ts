import type { OutboundMessage } from '../messages/outbound.ts';

/** One message to send from a business number to a WhatsApp user. */
export interface SendRequest {
  /** `phone_number_id` of the business number sending it. */
  businessNumberId: string;
  /** The recipient's WhatsApp id (phone digits) or business-scoped user id. */
  to: string;
  message: OutboundMessage;
}

/** What a gateway answered to a send: the id of the message it accepted. */
export interface SendResult {
  /** The id WhatsApp assigned (`wamid…`); statuses for it arrive by webhook. */
  messageId: string;
}

/** Which inbound message to mark read, and on which business number. */
export interface MarkReadRequest {
  businessNumberId: string;
  /** The inbound message id to mark read. */
  messageId: string;
  /** Also show "typing…" to the user (Cloud API / 360dialog; gone after 25 s or on the reply). */
  typing?: boolean;
}

/** Where an inbound media file can be fetched (step 1 of a media download). */
export interface MediaInfo {
  id: string;
  /** Short-lived URL; fetch it with the same credentials (`downloadMedia`). */
  url: string;
  mimeType?: string;
  sha256?: string;
  fileSize?: number;
}

/** The bytes of a media file. */
export interface MediaFile {
  data: Buffer;
  contentType?: string;
}

/**
 * A gateway to WhatsApp. One small adapter per gateway (Cloud API, 360dialog, console, …) behind
 * this interface; the runtime never speaks HTTP itself.
 */
export interface Provider {
  readonly name: string;
  /** Sends one message; rejects with a `ProviderError` carrying the gateway's code and title. */
  send(request: SendRequest): Promise<SendResult>;
  /** Marks an inbound message read (the blue ticks). */
  markRead(request: MarkReadRequest): Promise<void>;
  /** Looks up an inbound media id (`user.media` events carry it). */
  getMedia?(mediaId: string, businessNumberId?: string): Promise<MediaInfo>;
  /** Downloads an inbound media file by id (looks the URL up first where the gateway needs it). */
  downloadMedia?(mediaId: string, businessNumberId?: string): Promise<MediaFile>;
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
      /** The gateway's `Retry-After`, in milliseconds, when it sent one. */
      retryAfterMs?: number;
      /** A gateway's own error code when it is not a number (D7: `WHATSAPP_MESSAGE_NOT_EXISTS`). */
      gatewayCode?: string;
    },
  ) {
    super(message);
  }
  /** The error code: WhatsApp's, else the HTTP status (0 for a network failure). */
  get code(): number {
    return this.details.code;
  }
  /** The error's short description. */
  get title(): string {
    return this.details.title;
  }
  /** Whether sending again may succeed (throttling, 5xx, network); permanent errors are not retried. */
  get retryable(): boolean {
    return this.details.retryable;
  }
}
