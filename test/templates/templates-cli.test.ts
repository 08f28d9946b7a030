import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { loadConfig } from '../../src/config.ts';
import { GRAPH_TEMPLATES } from './template-fixtures.ts';

const WABA = '102290129340398';
let mock: MockProvider;

beforeAll(async () => {
  mock = await startMockProvider({
    answer: (request) => (request.method === 'GET' && request.path.startsWith(`/v23.0/${WABA}/message_templates`) ? { status: 200, body: { data: GRAPH_TEMPLATES, paging: {} } } : undefined),
  });
});
afterAll(async () => {
  await mock.close();
});

it('chartbot templates lists every template with the parameters a send must fill', async () => {
  const run = await runCli(['templates'], '', 15_000, { WHATSAPP_TOKEN: 'graph-token', WHATSAPP_BUSINESS_ACCOUNT_ID: WABA, WHATSAPP_API_URL: `${mock.url}/v23.0` });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(
    [
      'order_shipped (en_US) APPROVED UTILITY, positional parameters',
      '  header: image (required)',
      '  body: 3 positional parameters: {{1}}, {{2}}, {{3}}',
      '  button 0 quick_reply "Track": payload (optional)',
      '  button 1 url "Details": suffix for https://shop.example.com/orders/{{1}}',
      '  button 2 copy_code: code (≤ 15 characters)',
    ].join('\n'),
  );
  expect(run.stdout).toContain(['welcome (en) APPROVED MARKETING, named parameters', '  header: text {{first_name}} (named: first_name)', '  body: 2 named parameters: {{first_name}}, {{code}}'].join('\n'));
  expect(run.stdout).toContain('book_delivery (en) APPROVED UTILITY\n  button 0 flow "Choose slot": flow_token, first-screen data (optional)\n  button 1 phone_number "Call us": no parameter');
  expect(run.stdout).toContain('spring_sale (en) PAUSED MARKETING\n  no parameters');
});

it('chartbot templates without WHATSAPP_BUSINESS_ACCOUNT_ID says what to set', async () => {
  const run = await runCli(['templates'], '', 15_000, { WHATSAPP_TOKEN: 'graph-token' });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/needs WHATSAPP_BUSINESS_ACCOUNT_ID/);
});

it('CHARTBOT_TEMPLATE_CHECK=true needs the account id and the Cloud API', () => {
  expect(() => loadConfig({ WHATSAPP_TOKEN: 't', CHARTBOT_TEMPLATE_CHECK: 'true' })).toThrow(/needs WHATSAPP_BUSINESS_ACCOUNT_ID/);
  expect(() => loadConfig({ WHATSAPP_TOKEN: 't', WHATSAPP_PROVIDER: '360dialog', CHARTBOT_TEMPLATE_CHECK: 'true', WHATSAPP_BUSINESS_ACCOUNT_ID: WABA })).toThrow(/needs WHATSAPP_PROVIDER=cloud/);
  const config = loadConfig({ WHATSAPP_TOKEN: 't', CHARTBOT_TEMPLATE_CHECK: 'true', WHATSAPP_BUSINESS_ACCOUNT_ID: WABA });
  expect(config).toMatchObject({ templateCheck: true, businessAccountId: WABA });
});
