import { signBody } from '../src/webhook/signature.ts';
import { BENCH_NUMBER, BENCH_SECRET, benchMessageId } from './contacts.ts';

let sequence = 0;

/**
 * One signed webhook POST carrying a text message from each of the given contacts, in one change
 * as Meta batches them. The message ids are stamped with the send time just before posting.
 */
export function webhookBatch(waIds: readonly string[]): { body: string; headers: Record<string, string> } {
  const now = process.hrtime.bigint();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA.bench',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BENCH_NUMBER.display, phone_number_id: BENCH_NUMBER.phoneNumberId },
              contacts: waIds.map((waId) => ({ profile: { name: `User ${waId}` }, wa_id: waId })),
              messages: waIds.map((waId) => ({
                from: waId,
                id: benchMessageId(waId, ++sequence, now),
                timestamp,
                type: 'text',
                text: { body: 'hello bot' },
              })),
            },
          },
        ],
      },
    ],
  });
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, BENCH_SECRET) } };
}
