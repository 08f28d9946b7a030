import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { createBot, type Bot } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';
import support from '../../flows/support.ts';
import { startAgentReceiver, type AgentReceiver } from '../helpers/agent-receiver.ts';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.ts';
import { startRedis, type RedisServer } from '../helpers/redis-server.ts';
import { BUSINESS, buttonReply, envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';

let redis: RedisServer;
let mock: MockProvider;
let receiver: AgentReceiver;
const bots: Bot[] = [];

beforeEach(async () => {
  redis = await startRedis();
  mock = await startMockProvider();
  receiver = await startAgentReceiver(503);
});
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close().catch(() => {});
  await receiver.close();
  await mock.close();
  await redis.stop();
});

async function instance(): Promise<{ bot: Bot; url: string }> {
  const bot = await createBot({
    flows: [toFlow(support, 'support.ts')],
    provider: cloudApiProvider({ token: 't', baseUrl: `${mock.url}/v23.0` }),
    logger: silentLogger(),
    apiToken: 'token',
    agentWebhook: { url: receiver.url, secret: 'agent-secret' },
    handover: { retry: { baseDelayMs: 20, maxDelayMs: 80 } },
    redis: { url: redis.url, prefix: 'handover:', pollMs: 20 },
  });
  bots.push(bot);
  return { bot, url: (await bot.listen(0)).url };
}

describe('hand-over notifications with several instances on Redis', () => {
  it('are delivered in the contact’s turn: in order, each once, whichever instance took each message, also through a receiver outage', async () => {
    const instances = [await instance(), await instance()];
    const wa = '4915550401';
    const say = async (n: number, body: Record<string, unknown>) =>
      expect((await postWebhook(instances[n % 2]!.url, envelope({ messages: [body], names: { [wa]: 'Cleo' } }))).status).toBe(200);
    await say(0, textMessage(wa, 'hi'));
    await say(1, buttonReply(wa, 'human', 'Talk to a person'));
    await say(0, textMessage(wa, 'one'));
    await say(1, textMessage(wa, 'two'));
    await waitUntil(() => receiver.received.length >= 3, 'attempts while the receiver fails');
    expect(receiver.accepted()).toEqual([]);
    // Handed to people across instances: the hand-over is listed by either one.
    const listed = (await (await fetch(`${instances[1]!.url}/api/handovers`, { headers: { authorization: 'Bearer token' } })).json()) as { handovers: Array<{ waId: string }> };
    expect(listed.handovers.map((h) => h.waId)).toEqual([wa]);
    receiver.setMode(200);
    await say(0, textMessage(wa, 'three'));
    await receiver.waitForAccepted(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const accepted = receiver.accepted();
    expect(accepted.map((n) => n.type)).toEqual(['handover.started', 'handover.message', 'handover.message', 'handover.message']);
    expect(accepted.map((n) => (n.event as { text?: string } | undefined)?.text)).toEqual([undefined, 'one', 'two', 'three']);
    expect(new Set(accepted.map((n) => n.id)).size).toBe(4);
    const session = (await (await fetch(`${instances[0]!.url}/api/sessions/${BUSINESS.phoneNumberId}/${wa}`, { headers: { authorization: 'Bearer token' } })).json()) as { pendingNotifications: number };
    expect(session.pendingNotifications).toBe(0);
  });
});
