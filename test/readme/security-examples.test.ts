import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import orderStatus from './order-status-flow.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { textsSentTo } from '../helpers/sent-texts.ts';

/** A stand-in shop on loopback: order 42 is shipped, anything else is a 500. */
let shop: Server;
let t: BotUnderTest;
beforeAll(async () => {
  shop = createServer((req, res) => {
    const ok = req.url === '/orders/42';
    res.writeHead(ok ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { status: 'shipped' } : { error: 'down' }));
  }).listen(0, '127.0.0.1');
  await once(shop, 'listening');
  process.env.SHOP_API_URL = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  t = await startBotUnderTest({ flows: [toFlow(orderStatus, 'order-status-flow.ts')] });
});
afterAll(async () => {
  await t.cleanup();
  shop.close();
  delete process.env.SHOP_API_URL;
});

const texts = (to: string) => textsSentTo(t.mock, to);

describe('docs/writing-flows.md: calling a service from a flow', () => {
  it('the service answer is replied within the same step', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('4916000001', '42')] }));
    await waitUntil(() => texts('4916000001').length === 1, 'the order status reply');
    expect(texts('4916000001')).toEqual(['Order 42: shipped']);
    expect((await t.bot.runtime.inspect('106540352242922', '4916000001'))?.record.snapshot).toMatchObject({ value: 'asking' });
  });

  it('a failing service goes to onError, which answers (nothing is parked)', async () => {
    await postWebhook(t.url, envelope({ messages: [textMessage('4916000002', '7')] }));
    await waitUntil(() => texts('4916000002').length === 1, 'the apology');
    expect(texts('4916000002')).toEqual(['The shop is not answering right now, please try again later.']);
    expect(await t.bot.runtime.parkedMessages()).toEqual([]);
  });
});
