import type { Middleware } from 'koa';
import { secretsEqual } from '../webhook/webhook-auth.ts';

/**
 * Koa middleware admitting only `Authorization: Bearer <token>` (CHARTBOT_API_TOKEN), compared in
 * constant time. Every `/api/` route (proactive messages, admin) goes through it; without a
 * configured token those routes are not mounted at all.
 */
export function requireBearer(token: string): Middleware {
  if (!token) throw new Error('requireBearer needs a non-empty token');
  return async (ctx, next) => {
    if (!secretsEqual(ctx.get('authorization'), `Bearer ${token}`)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: 'missing or wrong bearer token' };
      return;
    }
    await next();
  };
}
