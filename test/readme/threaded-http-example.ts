import { cloudApiProvider, createBot, createThreadedHttpClient, loadFlows } from 'chartbot';

/** An embedded bot whose gateway calls run on a worker thread, as `chartbot start` does. */
export async function threadedBot(apiUrl: string, dataDir: string, flowsDir = './flows') {
  const http = createThreadedHttpClient(); // undici on a worker thread, shared by every provider given it
  const bot = await createBot({
    flows: await loadFlows(flowsDir),
    provider: cloudApiProvider({ token: process.env.WHATSAPP_TOKEN ?? 'token', baseUrl: apiUrl, http }),
    dataDir,
  });
  const { url } = await bot.listen(0);
  const close = async () => {
    await bot.close();
    await http.close(); // a provider never closes a client it was given
  };
  return { bot, url, close };
}
