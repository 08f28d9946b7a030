import Router from '@koa/router';

/** Something that keeps the bot from working right now, and since when. */
export interface HealthProblem {
  /** What is failing: `inbox` (webhook journal), `store` (contact saves), `checkpoint`, `redis`… */
  source: string;
  /** The last error, e.g. `ENOSPC: no space left on device, write`. */
  reason: string;
  /** First failure of this run of failures, epoch ms. */
  since: number;
}

/**
 * What `/health` reports. Parts of the bot report failures and recoveries here; while any problem
 * is present `/health` answers 503 with the reasons, so a load balancer or Kubernetes readiness
 * probe stops sending traffic and an operator sees why (e.g. a full disk).
 */
export class HealthMonitor {
  private readonly problems = new Map<string, HealthProblem>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records that `source` failed with `error` (the first failure of a run keeps its time). */
  failed(source: string, error: unknown): void {
    const reason = describe(error);
    const existing = this.problems.get(source);
    this.problems.set(source, { source, reason, since: existing?.since ?? this.now() });
  }

  /** Records that `source` works again. */
  recovered(source: string): void {
    this.problems.delete(source);
  }

  /** Whether nothing is failing. */
  get ok(): boolean {
    return this.problems.size === 0;
  }

  /** What is failing now, with the reasons. */
  list(): HealthProblem[] {
    return [...this.problems.values()];
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** What `/health` needs to know besides the problems. */
export interface HealthSources {
  monitor: HealthMonitor;
  /** Why the bot does not take webhooks right now (`starting`, `stopping`), or undefined. */
  notAccepting: () => string | undefined;
  flows: () => string[];
  backlog: () => number;
  /** Which store keeps state (`lowdb`, `memory`, `redis`, or a custom store's name). */
  store: string;
}

/**
 * `GET /health`: 200 `{ status: 'ok', … }` when the bot takes and processes webhooks; 503 with
 * `status` `starting`, `stopping` or `degraded` (and the problems) otherwise.
 */
export function healthRouter(sources: HealthSources): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    const notAccepting = sources.notAccepting();
    const problems = sources.monitor.list();
    const status = notAccepting ?? (problems.length > 0 ? 'degraded' : 'ok');
    ctx.status = status === 'ok' ? 200 : 503;
    ctx.body = {
      status,
      store: sources.store,
      flows: sources.flows(),
      backlog: sources.backlog(),
      ...(problems.length > 0 ? { problems } : {}),
    };
  });
  return router;
}
