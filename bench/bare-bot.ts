/**
 * The ceiling: the least any bot can do for one message with the I/O the budget requires, and
 * nothing else. Koa with @koa/router (as the bare-Koa baseline), plus: the signature checked, the
 * POST journaled and fdatasync'd before its 200 (group commit), a per-contact state line journaled
 * and committed before the reply, a read receipt and one text reply sent to the mock provider
 * through undici on keep-alive connections. No state machine, no store, no retries, no limiter.
 * `chartbot / bare bot` is then the framework's own overhead, and `bare bot / bare Koa` is the
 * highest ratio to bare Koa that this machine allows any design with that I/O.
 *
 * argv: mock provider URL, journal folder.
 */
import { join } from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import getRawBody from 'raw-body';
import { Pool } from 'undici';
import { GroupCommitLog } from '../src/store/group-commit-log.ts';
import { verifySignature } from '../src/webhook/signature.ts';
import { BENCH_SECRET } from './contacts.ts';
import { serveOnLoopback } from './ipc.ts';

const [mockUrl, journalDir] = process.argv.slice(2) as [string, string];
const provider = new Pool(mockUrl, { connections: 16, pipelining: 1, keepAliveTimeout: 60_000 });
const journal = new GroupCommitLog(join(journalDir, 'bare-bot.jsonl'));
const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-token' };

interface InboundText {
  from: string;
  id: string;
}
interface Webhook {
  entry?: Array<{ changes?: Array<{ value?: { metadata?: { phone_number_id?: string }; messages?: InboundText[] } }> }>;
}

/** Messages seen per contact: the bare bot's whole conversation state. */
const turns = new Map<string, number>();

async function post(path: string, body: unknown): Promise<void> {
  const res = await provider.request({ path, method: 'POST', headers, body: JSON.stringify(body) });
  await res.body.json();
}

async function answer(phoneNumberId: string, message: InboundText): Promise<void> {
  const path = `/v21.0/${phoneNumberId}/messages`;
  const read = post(path, { messaging_product: 'whatsapp', status: 'read', message_id: message.id });
  const count = (turns.get(message.from) ?? 0) + 1;
  turns.set(message.from, count);
  await journal.append(JSON.stringify({ contact: message.from, state: 'greeted', count, last: message.id }) + '\n');
  await post(path, { messaging_product: 'whatsapp', to: message.from, type: 'text', text: { body: 'Hello! You said: hello bot' } });
  await read;
}

const app = new Koa();
const router = new Router();
router.post('/webhook', async (ctx) => {
  const raw = await getRawBody(ctx.req, { limit: 1024 * 1024, length: ctx.get('content-length') || undefined });
  if (!verifySignature(raw, ctx.get('x-hub-signature-256'), BENCH_SECRET)) ctx.throw(401, 'bad signature');
  const body = JSON.parse(raw.toString('utf8')) as Webhook;
  await journal.append(raw.toString('utf8') + '\n');
  for (const entry of body.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const phoneNumberId = change.value?.metadata?.phone_number_id ?? '';
      for (const message of change.value?.messages ?? []) void answer(phoneNumberId, message).catch(() => {});
    }
  }
  ctx.status = 200;
});
app.use(router.routes());

await serveOnLoopback(app.callback());
