import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { HandoverNotification } from '../../src/index.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { agentTool, verifyChartbotSignature } from './agent-tool.ts';
import desk from './handover-flow.ts';

let t: BotUnderTest | undefined;
const servers: Array<{ close(): void }> = [];
afterEach(async () => {
  await t?.cleanup();
  for (const server of servers.splice(0)) server.close();
});

it('the agent tool of docs/handover.md receives signed notifications from a real bot', async () => {
  const kept: HandoverNotification[] = [];
  const tool = agentTool('tool-secret', (n) => kept.push(n)).listen(0, '127.0.0.1');
  servers.push(tool);
  await once(tool, 'listening');
  const url = `http://127.0.0.1:${(tool.address() as AddressInfo).port}/events`;
  t = await startBotUnderTest({ flows: [toFlow(desk, 'desk.ts')], agentWebhook: { url, secret: 'tool-secret' } });
  await postWebhook(t.url, envelope({ messages: [textMessage('4915550701', 'a person please')] }));
  await postWebhook(t.url, envelope({ messages: [textMessage('4915550701', 'my order is late')] }));
  await waitUntil(() => kept.length === 2, 'two notifications');
  expect(kept.map((n) => n.type)).toEqual(['handover.started', 'handover.message']);

  expect(verifyChartbotSignature(Buffer.from('{}'), 'sha256=00', 'tool-secret')).toBe(false);
  expect(verifyChartbotSignature(Buffer.from('{}'), undefined, 'tool-secret')).toBe(false);
  const wrong = await fetch(url, { method: 'POST', headers: { 'x-chartbot-signature': 'sha256=' + '0'.repeat(64) }, body: '{}' });
  expect(wrong.status).toBe(401);
});
