import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { startTracing } from './otlp-tracing-example.ts';
import observedFlow from '../fixtures/flows/observed.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

it('the OTLP example of docs/observability.md exports the spans of a conversation to a collector', async () => {
  // A stand-in collector on loopback: records what arrives at OTLP/HTTP's trace path.
  const received: string[] = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const { port } = collector.address() as AddressInfo;

  const provider = startTracing(`http://127.0.0.1:${port}/v1/traces`);
  const t = await startBotUnderTest({ flows: [toFlow(observedFlow, 'observed.ts')] });
  try {
    await postWebhook(t.url, envelope({ messages: [textMessage('4915550004001', 'hello')] }));
    await t.bot.runtime.idle();
  } finally {
    await t.cleanup();
    await provider.shutdown(); // sends what is batched
    collector.close();
  }
  const exported = received.join('\n');
  for (const name of ['POST /webhook', 'chartbot.step', 'chartbot.provider.mark_read', 'chartbot.provider.send']) expect(exported).toContain(`"name":"${name}"`);
  expect(exported).toContain('my-whatsapp-bot');
  expect(exported).not.toContain('4915550004001');
});
