import { loadConfig } from '../config.ts';
import { createFlowRegistry } from '../conversation/flow-registry.ts';
import { loadFlows } from '../conversation/load-flows.ts';
import { createLogger } from '../logger.ts';
import { createProviderSelection } from '../providers/create-provider.ts';
import { createThreadedHttpClient } from '../providers/threaded-http-client.ts';
import { createBot } from '../server/create-bot.ts';
import { limitHeapGrowth } from './heap-growth.ts';

/**
 * `chartbot start`: a bot configured from the environment. SIGTERM/SIGINT stop intake, finish
 * in-flight work, flush state and exit 0.
 */
export async function startCommand(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = loadConfig(env);
  limitHeapGrowth();
  const logger = createLogger(config.logLevel, { maskPhones: config.maskPhones });
  for (const warning of config.warnings) logger.warn(warning);
  const flows = createFlowRegistry(await loadFlows(config.flowsDir), { defaultFlow: config.defaultFlow });
  // Gateway calls run on a worker thread: the main thread is the bot's bottleneck (docs/performance.md).
  const providers = createProviderSelection(config, config.provider === 'console' && Object.keys(config.numbers).length === 0 ? undefined : createThreadedHttpClient());
  const provider = providers.fallback;
  const bot = await createBot({
    flows,
    provider: Object.keys(config.numbers).length ? providers.forNumber : provider,
    logger,
    apiToken: config.apiToken,
    delivery: { limits: { perNumberMps: config.throughputMps } },
    dataDir: config.dataDir,
    appSecret: config.appSecret,
    dialog360Secret: config.dialog360Secret,
    webhookHeader: config.webhookHeader,
    serviceTimeoutMs: config.serviceTimeoutMs,
    microstepBudget: config.microstepBudget,
    verifyToken: config.verifyToken,
    markRead: config.markRead,
    storeWriteAhead: config.storeWriteAhead,
    metrics: config.metrics && { ...(config.metricsToken ? { token: config.metricsToken } : {}) },
    history: { size: config.historySize, text: config.historyText },
  });
  const { url } = await bot.listen(config.port, '0.0.0.0');
  logger.info(
    { url, provider: provider.name, flows: flows.flows.map((f) => f.name), dataDir: config.dataDir },
    `chartbot listening on port ${config.port === 0 ? new URL(url).port : config.port}`,
  );

  // Bounded stop: past this, exit anyway. Acknowledged batches not yet processed stay in the inbox
  // journal and are processed at the next start, so nothing acknowledged is lost by exiting.
  const graceMs = 10_000;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight work');
    setTimeout(() => {
      logger.warn({ graceMs, backlog: bot.runtime.backlog }, 'stop took longer than the grace period: exiting; unprocessed batches stay in the inbox journal for the next start');
      logger.flush();
      process.exit(0);
    }, graceMs).unref();
    try {
      await bot.close();
      await providers.close();
      logger.info('stopped cleanly');
      logger.flush();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean stop');
      logger.flush();
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
