import type { DeliveryStatus } from '../messages/status-update.ts';

/**
 * Maps a gateway's status word onto chartbot's one status model. Cloud API / 360dialog words pass
 * through; partner-gateway words (SENT, DELIVERED, READ, RECEIVED, ERROR, EXPIRED, UNKNOWN) are
 * mapped: RECEIVED ("acknowledged, not yet on the handset") is `accepted`, ERROR and EXPIRED are
 * `failed`, and UNKNOWN (or any word we do not know) is `undefined`: no information, so the
 * recorded status is left as it is.
 */
export function mapGatewayStatus(word: string): DeliveryStatus | undefined {
  switch (word.trim().toLowerCase()) {
    case 'accepted':
    case 'received':
    case 'queued':
    case 'held_for_quality_assessment':
      return 'accepted';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'played':
      return 'played';
    case 'failed':
    case 'error':
    case 'expired':
    case 'undeliverable':
      return 'failed';
    default:
      return undefined;
  }
}
