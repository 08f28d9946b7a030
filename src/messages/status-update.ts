import type { WhatsAppError } from './inbound-events.ts';

/**
 * Delivery state of a message we sent. `played` is a voice note listened to. Gateways with other
 * vocabularies (SENT, DELIVERED, READ, ERROR, …) are mapped onto these.
 */
export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** One entry of a webhook's `statuses` array, normalised. */
export interface StatusUpdate {
  /** Our outbound message id. */
  messageId: string;
  status: DeliveryStatus;
  /** Epoch milliseconds (0 when unparseable). */
  timestamp: number;
  /** The recipient: `recipient_id`, or `recipient_user_id` for username users. */
  recipientId: string;
  businessNumberId: string;
  errors: WhatsAppError[];
  /** `biz_opaque_callback_data` echoed back, when we sent one. */
  tracking?: string;
  raw: Record<string, unknown>;
}

const rank: Record<DeliveryStatus, number> = {
  accepted: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 2.5,
};

/**
 * Whether `next` may replace `current`. Statuses arrive out of order, so a state never moves
 * backwards: a late `delivered` never overwrites `read`. `failed` replaces sent/delivered (WhatsApp
 * gave up) but not read/played (the user saw it, so a later failure report is stale).
 */
export function statusAdvances(current: DeliveryStatus | undefined, next: DeliveryStatus): boolean {
  if (current === undefined) return true;
  if (current === 'failed') return false;
  return rank[next] > rank[current];
}
