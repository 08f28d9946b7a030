import type { Middleware } from 'koa';
import { requireBearer } from './bearer-auth.ts';

/**
 * The path as a router might end up matching it: percent-decoded, lower-cased, repeated slashes
 * collapsed, `.` and `..` segments resolved. Routers differ in all of these (@koa/router matches
 * case-insensitively while prefix middleware compiled case-sensitively: `/API/sessions` skipped the
 * token check), so the guard decides on this form and never on the raw path.
 */
export function canonicalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // malformed escapes: judge the raw text
  }
  const segments: string[] = [];
  for (const segment of decoded.toLowerCase().replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return '/' + segments.join('/');
}

/** Whether the path is anywhere under `/api`, however it is spelled. */
export function isApiPath(path: string): boolean {
  const canonical = canonicalPath(path);
  return canonical === '/api' || canonical.startsWith('/api/');
}

/**
 * Mounted before every router: a request for anything under `/api`, however spelled (`/API`,
 * `//api`, `/api/`, `%2F`, dot segments), needs the bearer token; without a configured token (or
 * on a port that does not serve the API) it gets 404. The routers themselves are case-sensitive
 * and check the token on each route too.
 */
export function guardApiPaths(token: string | undefined): Middleware {
  const bearer = token ? requireBearer(token) : undefined;
  return async (ctx, next) => {
    if (!isApiPath(ctx.path)) return next();
    if (!bearer) {
      ctx.status = 404;
      ctx.body = { error: 'not found' };
      return;
    }
    await bearer(ctx, next);
  };
}
