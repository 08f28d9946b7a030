import { expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

it('chartbot chat shows products, catalogs and the Flow data endpoint readably (/open, /fill, /back)', async () => {
  const input = [
    'hi',
    '/order 1 x grinder @ 49 EUR, 1 x filters-100 @ 4.5 EUR',
    '/open',
    '/fill ADDRESS {"name":"Ada","street":"Main 1","postcode":"10115","city":"Berlin"}',
    '/back SUMMARY',
    '/fill ADDRESS {"name":"Ada","street":"Main 1","postcode":"10115","city":"Berlin"}',
    '/fill SUMMARY {}',
    '/flow {"order":"B-1"}',
    '/quit',
  ].join('\n');
  const run = await runCli(['chat', 'flows/shop.ts', '--no-persist', '--name', 'Ada'], input);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const summary = 'screen: SUMMARY {"lines":"1 × Hand grinder: 49.00 EUR\\n1 × Paper filters (100): 4.50 EUR","delivery":"free","total":"53.50 EUR","address":"Ada, Main 1, 10115 Berlin"}';
  expect(run.stdout).toBe(
    [
      'chartbot chat: shop (new conversation); /help lists commands',
      'you> hi',
      'bot: Welcome to Bean There! Browse the whole catalog, or start with our favourites below.',
      '  [View catalog] (thumbnail beans-1kg)',
      'bot: *Our favourites*',
      '  Add what you like to your cart and send it to order.',
      '  Coffee: beans-1kg, beans-250g',
      '  Gear: grinder, filters-100',
      '  [View items] (catalog 146265584024623)',
      'you> /order 1 x grinder @ 49 EUR, 1 x filters-100 @ 4.5 EUR',
      'bot: Your cart: 2 items, 53.50 EUR. Where should we deliver it?',
      '  form [Enter address]',
      'you> /open',
      'screen: ADDRESS {}',
      'you> /fill ADDRESS {"name":"Ada","street":"Main 1","postcode":"10115","city":"Berlin"}',
      summary,
      'you> /back SUMMARY',
      'screen: ADDRESS {"name":"Ada","street":"Main 1","postcode":"10115","city":"Berlin"}',
      'you> /fill ADDRESS {"name":"Ada","street":"Main 1","postcode":"10115","city":"Berlin"}',
      summary,
      'you> /fill SUMMARY {}',
      'screen: (flow closed) {"order":"B-1"}',
      'you> /flow {"order":"B-1"}',
      'bot: Order B-1 is confirmed. Thank you!',
      '  1 × Hand grinder: 49.00 EUR',
      '  1 × Paper filters (100): 4.50 EUR',
      '  Delivery: free',
      '  Total: 53.50 EUR',
      '  To: Ada, Main 1, 10115 Berlin',
      'you> /quit',
      '',
    ].join('\n'),
  );
});
