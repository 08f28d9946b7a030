import { cloudApiProvider, createBot, loadFlows } from 'chartbot';

/** A bot whose webhook answers 200 only once each batch is fsync'd in `<dataDir>/inbox`. */
export async function durableBot(apiUrl: string, dataDir: string, flowsDir = './flows') {
  const bot = await createBot({
    flows: await loadFlows(flowsDir),
    provider: cloudApiProvider({ token: process.env.WHATSAPP_TOKEN ?? 'token', baseUrl: apiUrl }),
    dataDir,
    // On by default with the lowdb store. `{ commitDelayMs: 2 }` waits 2 ms to gather more batches
    // per fsync; `false` turns the journal off (the 200 then comes before anything is on disk).
    journal: { commitDelayMs: 2 },
  });
  const { url } = await bot.listen(0);
  return { bot, url };
}
