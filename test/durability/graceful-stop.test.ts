import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toFlow } from '../../src/conversation/load-flows.ts';
import { silentLogger } from '../../src/logger.ts';
import { createBot } from '../../src/server/create-bot.ts';
import { recordingProvider } from '../../src/testing/recording-provider.ts';
import echoFlow from '../fixtures/flows/echo.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

const flows = [toFlow(echoFlow, 'echo.ts')];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A provider whose sends take a while, so that work is in flight when the stop begins. */
function slowProvider(ms: number) {
  const inner = recordingProvider();
  return { ...inner, name: 'slow', sends: inner.sends, send: async (request: Parameters<typeof inner.send>[0]) => (await new Promise((r) => setTimeout(r, ms)), inner.send(request)) };
}

describe('graceful stop with the inbox journal', () => {
  it('new POSTs get 503 while stopping; acknowledged work is drained and flushed; nothing is left to replay', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chartbot-stop-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const provider = slowProvider(500);
    const bot = await createBot({ flows, provider, dataDir, logger: silentLogger(), markRead: false });
    const { url } = await bot.listen(0);
    // The same app mounted in the user's own server (as docs/embedding.md allows) keeps receiving requests.
    const mounted = createServer(bot.app.callback()).listen(0, '127.0.0.1');
    await once(mounted, 'listening');
    cleanups.push(() => new Promise((r) => mounted.close(() => r())));
    const mountedUrl = `http://127.0.0.1:${(mounted.address() as { port: number }).port}`;

    for (const waId of ['601', '602', '603']) expect((await postWebhook(url, envelope({ messages: [textMessage(waId, 'hi')] }))).status).toBe(200);
    expect(provider.sends).toHaveLength(0); // still in flight

    const started = Date.now();
    const stopping = bot.close();
    const late = await postWebhook(mountedUrl, envelope({ messages: [textMessage('604', 'too late')] }));
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${mountedUrl}/health`)).status).toBe(503);
    await stopping;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(provider.sends.map((s) => s.to).sort()).toEqual(['601', '602', '603']);
    expect((await readdir(join(dataDir, 'inbox'))).filter((n) => n.endsWith('.journal'))).toEqual([]);

    // A restart finds nothing to replay or resend.
    const again = recordingProvider();
    const restarted = await createBot({ flows, provider: again, dataDir, logger: silentLogger(), markRead: false });
    await restarted.runtime.idle();
    await restarted.close();
    expect(again.sends).toHaveLength(0);
  });
});
