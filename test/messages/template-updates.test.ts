import { expect, it } from 'vitest';
import { parseWebhook } from '../../src/messages/parse-webhook.ts';

it('template status, components and category webhooks become templateUpdates (not ignored parts, not events)', () => {
  const parsed = parseWebhook({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        time: 1,
        changes: [
          { field: 'message_template_status_update', value: { event: 'REJECTED', message_template_id: 594425479261596, message_template_name: 'order_shipped', message_template_language: 'en_US', reason: 'INCORRECT_CATEGORY' } },
          { field: 'template_category_update', value: { message_template_id: 594425479261596, message_template_name: 'order_shipped', message_template_language: 'en_US' } },
          { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
        ],
      },
    ],
  });
  expect(parsed.templateUpdates).toEqual([
    { field: 'message_template_status_update', event: 'REJECTED', templateId: '594425479261596', name: 'order_shipped', language: 'en_US', reason: 'INCORRECT_CATEGORY' },
    { field: 'template_category_update', templateId: '594425479261596', name: 'order_shipped', language: 'en_US' },
  ]);
  expect(parsed.messages).toEqual([]);
  expect(parsed.ignored.map((p) => p.reason)).toEqual(['change field "account_update" is not handled']);
});
