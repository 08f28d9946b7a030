import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyRecord } from '../../src/store/contact-record.ts';
import { openStore } from './durable-store-example.ts';
import { threadedBot } from './threaded-http-example.ts';
import { SUPPORT_FLOW_DIR } from '../helpers/example-flow.ts';
import { startMockProvider } from '../helpers/mock-provider.ts';
import { envelope, postWebhook, textMessage } from '../helpers/webhooks.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('docs/performance.md: store options and threaded gateway calls', () => {
  it('the store example keeps an acknowledged save even when the process dies before any checkpoint', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chartbot-readme-store-'));
    const store = await openStore(dir);
    await store.save({ ...emptyRecord('PN', '4915'), snapshot: { value: 'asking' } });
    // no close(): as after kill -9
    const reopened = await openStore(dir);
    expect((await reopened.load('PN:4915'))?.snapshot).toEqual({ value: 'asking' });
    await reopened.close();
  });

  it('the threaded-HTTP example answers through the worker thread and closes cleanly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chartbot-readme-threaded-'));
    const mock = await startMockProvider();
    const { bot, url, close } = await threadedBot(`${mock.url}/v23.0`, dir, SUPPORT_FLOW_DIR);
    try {
      await postWebhook(url, envelope({ messages: [textMessage('4916', 'hi')] }));
      await bot.runtime.idle();
      expect(mock.reads()).toHaveLength(1);
      expect(mock.sends()).toHaveLength(1);
    } finally {
      await close();
      await mock.close();
    }
  });
});
