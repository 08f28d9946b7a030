import { ConfigError, loadConfig } from '../config.ts';
import { createFlowRegistry } from '../conversation/flow-registry.ts';
import { loadFlows } from '../conversation/load-flows.ts';
import { createLogger, wantsPrettyLogs } from '../logger.ts';
import { createProviderSelection } from '../providers/create-provider.ts';
import { createThreadedHttpClient } from '../providers/threaded-http-client.ts';
import { createBot } from '../server/create-bot.ts';
import { limitHeapGrowth } from './heap-growth.ts';

/**
 * `chartbot start`: a bot configured from the environment. SIGTERM/SIGINT stop intake, finish
 * in-flight work, flush state and exit 0.
 */
export async function startCommand(env: Record<string, string | undefined> = process.env, options: { port?: number } = {}): Promise<void> {
  const config = loadConfig(env);
  if (options.port !== undefined) config.port = options.port;
  limitHeapGrowth();
  const logger = createLogger(config.logLevel, { maskPhones: config.maskPhones, pretty: wantsPrettyLogs(env) });
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
    delivery: { limits: { perNumberMps: config.throughputMps }, ...(config.replyRetryMaxMs === undefined ? {} : { retry: { giveUpAfterMs: config.replyRetryMaxMs } }) },
    dataDir: config.dataDir,
    appSecret: config.appSecret,
    dialog360Secret: config.dialog360Secret,
    webhookHeader: config.webhookHeader,
    serviceTimeoutMs: config.serviceTimeoutMs,
    microstepBudget: config.microstepBudget,
    verifyToken: config.verifyToken,
    markRead: config.markRead,
    storeWriteAhead: config.storeWriteAhead,
    ...(config.apiPort === undefined ? {} : { apiPort: config.apiPort }),
    ...(config.maxBacklog === undefined ? {} : { maxBacklog: config.maxBacklog }),
    ...(config.redis === undefined ? {} : { redis: config.redis }),
    ...(config.flowsPrivateKey
      ? { flowsEndpoint: { privateKey: config.flowsPrivateKey, ...(config.flowsPrivateKeyPassphrase ? { passphrase: config.flowsPrivateKeyPassphrase } : {}) } }
      : {}),
    ...(config.templateCheck && config.businessAccountId && config.token
      ? { templates: { wabaId: config.businessAccountId, token: config.token, baseUrl: config.apiUrl } }
      : {}),
    ...(config.agentWebhook ? { agentWebhook: config.agentWebhook } : {}),
    ...(config.chatwoot ? { chatwoot: config.chatwoot } : {}),
    metrics: config.metrics && { ...(config.metricsToken ? { token: config.metricsToken } : {}) },
    history: { size: config.historySize, text: config.historyText },
  });
  const { url, apiUrl } = await bot.listen(config.port, config.host).catch(async (error: unknown) => {
    await bot.close();
    await providers.close();
    throw portError(error, config.apiPort);
  });
  logger.info(
    { url, ...(apiUrl ? { apiUrl } : {}), provider: provider.name, flows: flows.flows.map((f) => f.name), dataDir: config.dataDir },
    `chartbot listening on port ${new URL(url).port}`,
  );

  // Bounded stop: queued work drains for up to the grace period, then the process exits anyway.
  // Acknowledged batches not yet processed stay in the inbox journal and are processed at the next
  // start, and unsent replies stay in their outbox, so nothing acknowledged is lost by exiting.
  const graceMs = config.shutdownGraceMs;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, backlog: bot.runtime.backlog, graceMs }, 'stopping: finishing queued work');
    // Referenced on purpose: every other timer is unref'd, and an empty event loop would end the
    // process at once, abandoning the queue.
    const deadline = setTimeout(() => {
      logger.warn(
        { graceMs, jobsLeft: bot.runtime.backlog, unprocessedBatches: bot.inbox?.backlog ?? 0, repliesWaitingForRetry: bot.runtime.retrying },
        'grace period over: exiting with work left; it is picked up at the next start',
      );
      // Replies whose gateway answer is on the way are waited for (briefly), so they are recorded
      // as sent and not sent again by the next start.
      const landed = bot.runtime.halt();
      void Promise.race([landed, new Promise((resolve) => setTimeout(resolve, 2000))]).then(() => {
        logger.flush();
        process.exit(0);
      });
    }, graceMs);
    try {
      await bot.close();
      await providers.close();
      clearTimeout(deadline);
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

/** A port that cannot be listened on, as one line saying which and how to choose another. */
function portError(error: unknown, apiPort: number | undefined): unknown {
  const { code, port } = error as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const choose =
    port === apiPort
      ? 'choose another with CHARTBOT_API_PORT=<n>'
      : 'choose another with PORT=<n> npm start (or chartbot start --port <n>)';
  const what = `port ${String(port)}${port === apiPort ? ' (the API port)' : ''}`;
  if (code === 'EADDRINUSE') return new ConfigError(`${what} is already in use (another chartbot or another program listens on it): stop it, or ${choose}`);
  return new ConfigError(`${what} needs privileges this user does not have: ${choose}`);
}
