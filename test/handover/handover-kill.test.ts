import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentReceiver, type AgentReceiver } from '../helpers/agent-receiver.ts';
import { freePort, startChartbot, waitForHealth, type ChartbotProcess } from '../helpers/chartbot-process.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { BUSINESS, buttonReply, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const TOKEN = 'kill-test-token';
const WA = '4915550401';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bot(env: Record<string, string>): Promise<{ url: string; process: ChartbotProcess }> {
  const port = await freePort();
  const process = startChartbot({ PORT: String(port), ...env });
  cleanups.push(() => process.kill());
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, process);
  return { url, process };
}

const texts = (mock: MockProvider) => mock.sends().map((s) => (s.body.text as { body?: string } | undefined)?.body);

describe('hand-over across a kill -9', () => {
  it('the contact is still in hand-over after the restart, undelivered notifications are delivered, new ones follow in order', async () => {
    const mock = await startMockProvider();
    cleanups.push(() => mock.close());
    const receiver: AgentReceiver = await startAgentReceiver(200);
    cleanups.push(() => receiver.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-handover-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = {
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_TOKEN: 'tok',
      WHATSAPP_API_URL: `${mock.url}/v23.0`,
      CHARTBOT_DATA_DIR: dataDir,
      CHARTBOT_API_TOKEN: TOKEN,
      CHARTBOT_AGENT_WEBHOOK_URL: receiver.url,
      CHARTBOT_AGENT_WEBHOOK_SECRET: 'kill-test-secret',
    };

    const first = await bot(env);
    await postWebhook(first.url, envelope({ messages: [textMessage(WA, 'hi')] }));
    await postWebhook(first.url, envelope({ messages: [buttonReply(WA, 'human', 'Talk to a person')] }));
    await receiver.waitForAccepted(1);
    receiver.setMode(503); // the agent tool goes down
    await postWebhook(first.url, envelope({ messages: [textMessage(WA, 'where is my parcel?')] }));
    await waitUntil(() => texts(mock).includes('Thanks! An agent will be with you shortly.'), 'the reassurance');
    await waitUntil(() => receiver.received.some((r) => r.body.type === 'handover.message' && r.answered === 503), 'a failed attempt at handover.message');
    first.process.child.kill('SIGKILL');
    expect(await first.process.exited).toBe(null);

    receiver.setMode(200);
    const second = await bot(env);
    const listed = (await (await fetch(`${second.url}/api/handovers`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { handovers: unknown[] };
    expect(listed.handovers).toEqual([expect.objectContaining({ businessNumberId: BUSINESS.phoneNumberId, waId: WA, state: 'handover.reassured' })]);
    await receiver.waitForAccepted(2); // the notification the kill left behind
    await postWebhook(second.url, envelope({ messages: [textMessage(WA, 'still there?')] }));
    await waitUntil(() => receiver.accepted().some((n) => (n.event as { text?: string } | undefined)?.text === 'still there?'), 'the new message forwarded');
    // At least once: a notification delivered just before the kill may come again, with the same id.
    const accepted = receiver.accepted().filter((n, i, all) => all.findIndex((m) => m.id === n.id) === i);
    expect(accepted.map((n) => [n.type, (n.event as { text?: string } | undefined)?.text])).toEqual([
      ['handover.started', undefined],
      ['handover.message', 'where is my parcel?'],
      ['handover.message', 'still there?'],
    ]);

    const res = await fetch(`${second.url}/api/handovers/${BUSINESS.phoneNumberId}/${WA}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'Sam', messages: ['Hi, Sam here. It ships today.'] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: Array<{ messageId?: string }> }).results[0]?.messageId).toMatch(/^wamid\.out\./);
    expect(texts(mock).at(-1)).toBe('Hi, Sam here. It ships today.');
    second.process.child.kill('SIGTERM');
    expect(await second.process.exited).toBe(0);
  });
});
