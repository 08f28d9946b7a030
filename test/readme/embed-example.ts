import { cloudApiProvider, createBot, loadFlows } from 'chartbot';

/** Embeds chartbot in your own process instead of `chartbot start`. */
export async function main(apiUrl: string, dataDir: string, flowsDir = './flows') {
  const bot = await createBot({
    flows: await loadFlows(flowsDir),
    provider: cloudApiProvider({ token: process.env.WHATSAPP_TOKEN ?? 'token', baseUrl: apiUrl }),
    dataDir,
    appSecret: process.env.WHATSAPP_APP_SECRET,
  });
  const { url } = await bot.listen(0);
  return { bot, url };
}
