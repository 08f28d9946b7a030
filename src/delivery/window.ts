import type { OutboundMessage } from '../messages/outbound.ts';
import { ProviderError } from '../providers/provider.ts';

/** WhatsApp's customer-service window: 24 hours after the user's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The code WhatsApp gives for a free-form message outside the window (re-engagement message). */
export const WINDOW_CLOSED_CODE = 131047;

/** Whether free-form messages may be sent: the user wrote within the last 24 hours. */
export function isWindowOpen(lastInboundAt: number | undefined, now: number): boolean {
  return lastInboundAt !== undefined && now - lastInboundAt < CUSTOMER_SERVICE_WINDOW_MS;
}

/** Templates are the only messages WhatsApp delivers outside the window. */
export function needsOpenWindow(message: OutboundMessage): boolean {
  return message.type !== 'template';
}

/** The error a send outside the window gets, locally, with WhatsApp's own code. */
export function windowClosedError(provider: string, message: OutboundMessage): ProviderError {
  return new ProviderError(
    `${provider}: ${message.type} not sent: more than 24 hours since the user's last message; only templates may be sent (code ${WINDOW_CLOSED_CODE})`,
    {
      provider,
      code: WINDOW_CLOSED_CODE,
      title: 'Re-engagement message: more than 24 hours since the customer last replied; send a template',
      retryable: false,
    },
  );
}
