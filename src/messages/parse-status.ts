import type { StatusUpdate } from './status-update.ts';
import { mapGatewayStatus } from '../providers/gateway-status.ts';
import { parseErrors } from './parse-errors.ts';
import { MAX_ID_BYTES, MAX_MESSAGE_ID_BYTES, tooLong } from './webhook-id-limits.ts';
import { parseTimestamp, show, str, type Obj } from './webhook-values.ts';

/** One entry of a change's `statuses`: a status update, or why it cannot be used. */
export function parseStatus(s: Obj, businessNumberId: string): StatusUpdate | string {
  const messageId = str(s.id);
  if (!messageId) return 'status without a message id';
  if (tooLong(messageId, MAX_MESSAGE_ID_BYTES)) return `status message id longer than ${MAX_MESSAGE_ID_BYTES} bytes`;
  // Gateways speak their own vocabularies (SENT, ERROR, EXPIRED, undeliverable…): one status model.
  const status = mapGatewayStatus(str(s.status) ?? '');
  if (!status) return `unknown status "${show(s.status)}"`;
  const recipient = str(s.recipient_id) || str(s.recipient_user_id) || '';
  if (tooLong(recipient, MAX_ID_BYTES) || tooLong(businessNumberId, MAX_ID_BYTES)) return `status with an id longer than ${MAX_ID_BYTES} bytes`;
  const update: StatusUpdate = {
    messageId,
    status,
    timestamp: parseTimestamp(s.timestamp),
    recipientId: recipient,
    businessNumberId,
    errors: parseErrors(s.errors),
    raw: s,
  };
  const tracking = str(s.biz_opaque_callback_data);
  if (tracking !== undefined) update.tracking = tracking;
  return update;
}
