/**
 * What hand-overs cost (`tsx bench/handover.ts`): the same messages through a bot whose contacts
 * are outside a hand-over, inside one without agent tools, and inside one whose notifications go to
 * a signed webhook on loopback; then how fast agents' messages go out through `handovers.message`.
 * In-process, memory then durable lowdb store, a provider that answers at once (no gateway HTTP) and
 * no pacing, so the figures are the runtime's own cost. Bounded: a fixed number of messages, and a deadline.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from 'xstate';
import { createBot, defineFlow, memoryStore, reply, silentLogger, type ChartbotEvent, type Provider, type UserTextEvent } from '../src/index.ts';
import { toFlow } from '../src/conversation/load-flows.ts';

const CONTACTS = 50;
const MESSAGES_PER_CONTACT = 20;
const DEADLINE_MS = 120_000;
const NUMBER = '106540352242922';

const flow = (handover: boolean) =>
  toFlow(
    defineFlow({
      name: 'bench-handover',
      machine: setup({ types: { events: {} as ChartbotEvent } }).createMachine({
        id: 'bench-handover',
        initial: 'talking',
        states: { talking: { ...(handover ? { tags: ['handover'] } : {}), on: { 'user.*': { actions: reply('ok') } } } },
      }),
    }),
    'bench-handover.ts',
  );

const provider: Provider = {
  name: 'instant',
  send: async () => ({ messageId: `wamid.${Math.random().toString(36).slice(2)}` }),
  markRead: async () => {},
};

async function receiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200).end();
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const event = (contact: number, n: number): UserTextEvent => ({
  type: 'user.text',
  text: `message ${n}`,
  messageId: `wamid.bench.${contact}.${n}.${Date.now()}`,
  contact: { waId: `49155${String(contact).padStart(6, '0')}` },
  businessNumberId: NUMBER,
  timestamp: Date.now(),
  raw: {},
});

async function scenario(name: string, handover: boolean, webhook: boolean, durable: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'chartbot-bench-handover-'));
  const tool = webhook ? await receiver() : undefined;
  const bot = await createBot({
    flows: [flow(handover)],
    provider,
    dataDir: dir,
    ...(durable ? {} : { store: memoryStore() }),
    logger: silentLogger(),
    markRead: false,
    journal: false,
    // WhatsApp's pacing (80 msg/s per number, bursts per recipient) would be all this measures.
    delivery: { limits: { perNumberMps: Infinity, recipientBurst: Infinity } },
    ...(tool ? { agentWebhook: { url: tool.url, secret: 'bench' } } : {}),
  });
  await bot.listen(0); // as in production; the listening server also keeps the process alive between commits
  const deadline = Date.now() + DEADLINE_MS;
  const started = performance.now();
  for (let n = 0; n < MESSAGES_PER_CONTACT && Date.now() < deadline; n++) {
    await Promise.all(Array.from({ length: CONTACTS }, (_, c) => bot.runtime.deliver(event(c, n))));
  }
  const stepped = performance.now() - started;
  await bot.runtime.idle(); // notifications delivered and confirmed too
  const total = performance.now() - started;
  const messages = CONTACTS * MESSAGES_PER_CONTACT;
  const notified = tool?.count() ?? 0;
  console.log(
    `${name.padEnd(46)} ${(messages / (stepped / 1000)).toFixed(0).padStart(6)} msg/s` +
      (tool ? `, ${notified} notifications delivered in ${(total / 1000).toFixed(2)} s (${(notified / (total / 1000)).toFixed(0)}/s)` : ''),
  );

  if (handover) {
    const calls = 200;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await bot.runtime.handovers.message(NUMBER, event(i % CONTACTS, 0).contact.waId, 'Sam', [{ type: 'text', text: { body: 'hi' } }]);
    console.log(`${'  handovers.message (one text, sequential)'.padEnd(46)} ${((performance.now() - t0) / calls).toFixed(2).padStart(6)} ms per call`);
  }
  await bot.close();
  await tool?.close();
  await rm(dir, { recursive: true, force: true });
}

for (const durable of [false, true]) {
  console.log(`\n${CONTACTS} contacts × ${MESSAGES_PER_CONTACT} messages, ${durable ? 'durable lowdb store (write-ahead journal, fdatasync)' : 'memory store (CPU only)'}, instant provider`);
  await scenario('outside a hand-over', false, false, durable);
  await scenario('in a hand-over, no agent tool', true, false, durable);
  await scenario('in a hand-over, signed webhook to loopback', true, true, durable);
}
