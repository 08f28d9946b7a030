import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import echoFlow from '../fixtures/flows/echo.ts';
import { startBotUnderTest, type BotUnderTest } from '../helpers/bot-under-test.ts';
import { fuzzIterations, fuzzSeed, seededRandom, type Random } from '../helpers/seeded-random.ts';
import { mutate, randomJson } from '../helpers/fuzz-values.ts';
import { buttonReply, envelope, flowReply, postWebhook, status, textMessage } from '../helpers/webhooks.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { textsSentTo } from '../helpers/sent-texts.ts';
import { capturedLogger } from '../helpers/captured-logs.ts';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { signBody } from '../../src/webhook/signature.ts';

const SECRET = 'fuzz-secret';
const BODY_LIMIT = 64 * 1024;
const ITERATIONS = fuzzIterations(400);
/** Longer runs (FUZZ_ITERATIONS) get proportionally more time, never unbounded. */
const TIME_BUDGET_MS = Math.min(30_000 * Math.ceil(ITERATIONS / 400), 600_000);
const CANARY_EVERY = 10;
const CANARY = '4915999000';
const seed = fuzzSeed(5150);

let t: BotUnderTest;
const logs = capturedLogger();
beforeAll(async () => {
  // The pair-rate pacing (20 messages, then one per 6 s per recipient) would slow the canary down on purpose.
  const delivery = { limits: { recipientBurst: 10_000, recipientIntervalMs: 1 } };
  t = await startBotUnderTest({ flows: [toFlow(echoFlow, 'echo.ts')], appSecret: SECRET, bodyLimit: BODY_LIMIT, delivery, logger: logs.logger });
});
afterAll(async () => {
  await t.cleanup();
});

interface Attack {
  kind: string;
  /** Statuses a correct server may answer (never a 5xx). */
  allowed: number[];
  send(): Promise<number | 'no response'>;
}

const post = async (raw: Buffer | string, headers: Record<string, string>): Promise<number> =>
  (await fetch(`${t.url}/webhook`, { method: 'POST', headers, body: typeof raw === 'string' ? raw : new Uint8Array(raw) })).status;
const signed = (raw: Buffer | string, contentType = 'application/json') => post(raw, { 'content-type': contentType, 'x-hub-signature-256': signBody(raw, SECRET) });

/** A well-formed batch to mutate: several kinds, a status, two senders. */
const base = () =>
  envelope({
    messages: [textMessage('4915000001', 'hi'), buttonReply('4915000002', 'b1', 'Yes'), flowReply('4915000001', { flow_token: 't', a: 1 })],
    statuses: [status('wamid.out.1', 'delivered', '4915000001')],
  });

/** Sends `bytes` with a Content-Length promising more, then hangs up: the body is truncated on the wire. */
function truncatedOnTheWire(random: Random): Promise<'no response'> {
  const raw = Buffer.from(JSON.stringify(base()));
  const cut = raw.subarray(0, random.int(0, raw.length - 1));
  const { port } = new URL(t.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${raw.length}\r\nX-Hub-Signature-256: ${signBody(raw, SECRET)}\r\n\r\n`);
      socket.write(cut, () => socket.destroy());
    });
    socket.on('close', () => resolve('no response'));
    socket.on('error', () => resolve('no response'));
  });
}

/** Ids named like Object.prototype members, absurd or non-ASCII ids, timestamps from the far future. */
const HOSTILE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype'];
/** Senders of messages with hostile ids: each must be answered exactly once. */
const hostileSenders: string[] = [];

function hostile(random: Random, n: number): Attack {
  const sender = `49158${String(n).padStart(5, '0')}`;
  const message = { ...textMessage(sender, 'p', random.pick(HOSTILE_IDS)), timestamp: random.pick(['100000000000', '1e11', '9'.repeat(30), '0', String(Math.floor(Date.now() / 1000))]) };
  const refused = random.pick([
    textMessage('字'.repeat(64), 'x'),
    textMessage('4915800000', 'x', 'w'.repeat(random.int(257, 20_000))),
    { ...textMessage('4915800001', 'x'), from: random.pick(HOSTILE_IDS) + '字'.repeat(30) },
  ]);
  hostileSenders.push(sender);
  return { kind: 'hostile ids', allowed: [200], send: () => signed(JSON.stringify(envelope({ messages: [message, refused] }))) };
}

function attack(random: Random, n: number): Attack {
  switch (random.int(0, 10)) {
    case 10:
      return hostile(random, n);
    case 0:
      return { kind: 'random JSON', allowed: [200, 400], send: () => signed(JSON.stringify(randomJson(random, 5))) };
    case 1:
      return { kind: 'mutated envelope', allowed: [200, 400], send: () => signed(JSON.stringify(mutate(random, base()))) };
    case 2: {
      const raw = JSON.stringify(base());
      const header = random.pick([signBody(raw + ' ', SECRET), signBody(raw, 'wrong'), 'sha256=', 'sha1=abc', '', 'x'.repeat(5000), signBody(raw, SECRET).toUpperCase().replace('SHA256=', 'md5=')]);
      return { kind: 'bad signature', allowed: [401], send: () => post(raw, { 'content-type': 'application/json', ...(header ? { 'x-hub-signature-256': header } : {}) }) };
    }
    case 3: {
      const size = random.int(BODY_LIMIT + 1, BODY_LIMIT * 4);
      const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(size) });
      return { kind: 'huge body', allowed: [413], send: () => signed(raw) };
    }
    case 4: {
      const depth = random.int(33, 20_000);
      const open = random.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const raw = open.repeat(depth) + '1' + close.repeat(depth);
      return { kind: 'deep JSON', allowed: [raw.length > BODY_LIMIT ? 413 : 400], send: () => signed(raw) };
    }
    case 5: {
      const raw = JSON.stringify(base());
      return { kind: 'truncated JSON', allowed: [400], send: () => signed(raw.slice(0, random.int(0, raw.length - 2))) };
    }
    case 6: {
      const type = random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', 'application/octet-stream']);
      return { kind: 'wrong content type', allowed: [415], send: () => signed(JSON.stringify(base()), type) };
    }
    case 7: {
      const bytes = Buffer.from(Array.from({ length: random.int(1, 2000) }, () => random.int(0, 255)));
      return { kind: 'random bytes', allowed: [400], send: () => signed(bytes) };
    }
    case 8:
      return { kind: 'truncated on the wire', allowed: [], send: () => truncatedOnTheWire(random) };
    default: {
      const top = random.pick(['"string"', '123', 'null', '[]', 'true', '{}', '{"entry":{}}', '{"entry":"x"}', '""']);
      return { kind: 'wrong top-level type', allowed: [400], send: () => signed(top) };
    }
  }
}

describe(`POST /webhook fuzz (seed ${seed}, FUZZ_SEED=<n> to change)`, () => {
  it(`never crashes or answers 5xx for client faults, and keeps answering valid traffic (${ITERATIONS} requests)`, async () => {
    const random = seededRandom(seed);
    const wrong: string[] = [];
    const kinds = new Map<string, number>();
    const started = Date.now();
    let canaries = 0;
    let i = 0;
    for (; i < ITERATIONS && Date.now() - started < TIME_BUDGET_MS; i++) {
      if (i % CANARY_EVERY === 0) {
        // Valid, signed traffic between the attacks: its reply must arrive, in order.
        canaries++;
        expect((await postWebhook(t.url, envelope({ messages: [textMessage(CANARY, `c${canaries}`)] }), SECRET)).status).toBe(200);
        await waitUntil(() => textsSentTo(t.mock, CANARY).includes(`#${canaries}: c${canaries}`), `canary ${canaries} reply (seed ${seed})`);
      }
      const a = attack(random, i);
      kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
      const got = await a.send();
      if (got === 'no response' ? a.allowed.length > 0 : !a.allowed.includes(got) || got >= 500) {
        wrong.push(`#${i} ${a.kind}: ${got}, expected ${a.allowed.join('/') || 'no response'}`);
      }
    }
    expect(wrong, `seed ${seed}`).toEqual([]);
    // Nothing reached a 500 handler or broke a contact's job (malformed parts are warnings, not errors).
    const errors = logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50).map((l) => l.msg);
    expect(errors.filter((msg) => ['request failed', 'contact job failed', 'webhook processing failed'].includes(msg)), `seed ${seed}`).toEqual([]);
    expect(i).toBeGreaterThanOrEqual(Math.min(ITERATIONS, 100));
    expect(kinds.size).toBe(11); // every kind of attack was tried
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    await t.bot.runtime.idle();
    expect(textsSentTo(t.mock, CANARY)).toEqual(Array.from({ length: canaries }, (_, n) => `#${n + 1}: c${n + 1}`));
    // A message whose id is named like a prototype member is an ordinary message: answered once.
    for (const sender of hostileSenders) expect(textsSentTo(t.mock, sender), `sender ${sender} (seed ${seed})`).toEqual(['#1: p']);
  }, TIME_BUDGET_MS + 30_000);
});
