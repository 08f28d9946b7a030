import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBot, type Bot, type BotOptions } from '../../src/server/create-bot.ts';
import { cloudApiProvider } from '../../src/providers/cloud-api.ts';
import { silentLogger } from '../../src/logger.ts';
import { startMockProvider, type MockProvider } from './mock-provider.ts';

export interface BotUnderTest {
  bot: Bot;
  url: string;
  /** The API's own URL, when the bot was given `apiPort`. */
  apiUrl?: string;
  mock: MockProvider;
  dataDir: string;
  /** Stops the bot (keeps data and mock). */
  stop(): Promise<void>;
  /** Stops everything and removes the data. */
  cleanup(): Promise<void>;
}

/** A real bot on an ephemeral loopback port, sending to a mock Cloud API on loopback, storing in a temp dir. */
export async function startBotUnderTest(
  options: Partial<BotOptions> & Pick<BotOptions, 'flows'>,
  reuse?: { mock?: MockProvider; dataDir?: string },
): Promise<BotUnderTest> {
  const mock = reuse?.mock ?? (await startMockProvider());
  const dataDir = reuse?.dataDir ?? (await mkdtemp(join(tmpdir(), 'chartbot-test-')));
  const provider = cloudApiProvider({ token: 'test-token', baseUrl: `${mock.url}/v23.0` });
  const bot = await createBot({ logger: silentLogger(), provider, dataDir, ...options });
  const { url, apiUrl } = await bot.listen(0);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await bot.close();
    await provider.close?.();
  };
  return {
    bot,
    url,
    ...(apiUrl ? { apiUrl } : {}),
    mock,
    dataDir,
    stop,
    async cleanup() {
      await stop();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
