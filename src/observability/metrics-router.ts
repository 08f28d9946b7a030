import Router from '@koa/router';
import type { Middleware } from 'koa';
import { requireBearer } from '../api/bearer-auth.ts';
import type { BotMetrics } from './bot-metrics.ts';

/**
 * `GET /metrics`: the bot's metrics in the Prometheus text format (CHARTBOT_METRICS=true). With a
 * token (CHARTBOT_METRICS_TOKEN) the scrape must carry `Authorization: Bearer <token>`.
 */
export function metricsRouter(metrics: BotMetrics, token?: string): Router {
  const router = new Router();
  const scrape: Middleware = async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.scrape();
  };
  if (token) router.get('/metrics', requireBearer(token), scrape);
  else router.get('/metrics', scrape);
  return router;
}
