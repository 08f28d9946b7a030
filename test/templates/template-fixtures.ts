import type { MessageTemplate } from '../../src/templates/message-template.ts';
import { parseMessageTemplate } from '../../src/templates/message-template.ts';

/**
 * Templates as the Graph API lists them (`GET /{waba-id}/message_templates`), written from Meta's
 * reference examples: positional and named bodies, text and media headers, URL, copy-code,
 * quick-reply, Flow and catalog buttons, and templates that are not approved.
 */
export const GRAPH_TEMPLATES: Array<Record<string, unknown>> = [
  {
    id: '1001',
    name: 'order_shipped',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1h'] } },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships {{3}}.', example: { body_text: [['Ada', '#1042', 'Monday']] } },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Track' },
          { type: 'URL', text: 'Details', url: 'https://shop.example.com/orders/{{1}}', example: ['https://shop.example.com/orders/1042'] },
          { type: 'COPY_CODE', example: 'SAVE10' },
        ],
      },
    ],
  },
  { id: '1002', name: 'order_shipped', language: 'de', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hallo {{1}}, Bestellung {{2}} kommt {{3}}.' }] },
  {
    id: '1003',
    name: 'welcome',
    language: 'en',
    status: 'APPROVED',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hi {{first_name}}!', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Ada' }] } },
      { type: 'BODY', text: 'Welcome, {{first_name}}. Your code is {{code}}.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ada' }, { param_name: 'code', example: 'A1' }] } },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
    ],
  },
  {
    id: '1004',
    name: 'book_delivery',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Pick a delivery slot.' },
      { type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Choose slot', flow_id: 555, flow_action: 'navigate' }, { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001111' }] },
    ],
  },
  {
    id: '1005',
    name: 'intro_catalog_offer',
    language: 'en_US',
    status: 'APPROVED',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs!' }, { type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] }],
  },
  { id: '1006', name: 'spring_sale', language: 'en', status: 'PAUSED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }] },
  { id: '1007', name: 'new_arrivals', language: 'en', status: 'PENDING', category: 'MARKETING', components: [{ type: 'BODY', text: 'New!' }] },
];

export const TEMPLATES: MessageTemplate[] = GRAPH_TEMPLATES.map((raw) => parseMessageTemplate(raw)).filter((t): t is MessageTemplate => t !== undefined);
