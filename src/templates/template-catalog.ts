import type { Clock } from '../conversation/clock.ts';
import { systemClock } from '../conversation/clock.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages/outbound.ts';
import { createHttpClient, type HttpClient } from '../providers/http-client.ts';
import { ProviderError } from '../providers/provider.ts';
import { checkTemplateSend, describeProblem, type TemplateProblem } from './check-template-send.ts';
import { fetchMessageTemplates, type TemplateListSource } from './fetch-templates.ts';
import type { MessageTemplate } from './message-template.ts';

/** A template send that does not fit its template: refused before any HTTP call. */
export class TemplateMismatchError extends ProviderError {
  constructor(readonly problems: TemplateProblem[]) {
    const title = problems.map(describeProblem).join('; ');
    super(`template check: ${title}`, { provider: 'template-check', code: problems[0]?.code ?? 132000, title, retryable: false });
  }
}

/** Where the template check reads the business account's templates from, and how long it keeps them. */
export interface TemplateCatalogOptions extends Partial<TemplateListSource> {
  /** Where the templates come from: the Graph API (wabaId + token), or your own function (tests, a cache of yours). */
  load?: () => Promise<MessageTemplate[]>;
  /** How long a fetched list is trusted (default 10 minutes); a template status webhook refreshes it sooner. */
  ttlMs?: number;
  /** A template a send names but the list lacks triggers one refetch, at most this often (default 60 s). */
  missRefetchMs?: number;
  http?: HttpClient;
  clock?: Clock;
  logger?: Logger;
}

/**
 * The business account's templates, cached with a TTL, and the check every template send goes
 * through (`OutboundSender`). One fetch at a time; a failed fetch keeps the last good list, and with
 * no list at all the send goes ahead unchecked (WhatsApp still checks it): the check must not
 * become an outage of its own.
 */
export class TemplateCatalog {
  private templates: MessageTemplate[] | undefined;
  private fetchedAt = -Infinity;
  private stale = false;
  private inflight: Promise<MessageTemplate[] | undefined> | undefined;
  private readonly load: () => Promise<MessageTemplate[]>;
  private readonly ttlMs: number;
  private readonly missRefetchMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly ownHttp: HttpClient | undefined;

  constructor(options: TemplateCatalogOptions) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.missRefetchMs = options.missRefetchMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    if (options.load) {
      this.load = options.load;
    } else {
      const { wabaId, token } = options;
      if (!wabaId || !token) throw new Error('template check needs wabaId (WHATSAPP_BUSINESS_ACCOUNT_ID) and token (WHATSAPP_TOKEN), or a load() function');
      const http = options.http ?? (this.ownHttp = createHttpClient());
      const source: TemplateListSource = { wabaId, token, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) };
      this.load = () => fetchMessageTemplates(source, http);
    }
  }

  /** The current list, fetched when missing, expired or marked stale by a webhook; undefined if it never loaded. */
  async list(): Promise<MessageTemplate[] | undefined> {
    if (this.templates && !this.stale && this.clock.now() - this.fetchedAt < this.ttlMs) return this.templates;
    return this.refresh();
  }

  /** Fetches now (one fetch at a time; callers during a fetch share it). */
  refresh(): Promise<MessageTemplate[] | undefined> {
    this.inflight ??= this.load()
      .then((templates) => {
        this.templates = templates;
        this.fetchedAt = this.clock.now();
        this.stale = false;
        this.logger.debug({ templates: templates.length }, 'message templates loaded');
        return templates;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, this.templates ? 'message templates could not be refreshed: checking against the last list' : 'message templates could not be loaded: template sends go unchecked');
        return this.templates;
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** A template changed (status webhook): the next check fetches the list again. */
  invalidate(): void {
    this.stale = true;
  }

  /** Throws TemplateMismatchError when `message` is a template send that does not fit its template. */
  async check(message: OutboundMessage): Promise<void> {
    if (message.type !== 'template') return;
    let templates = await this.list();
    if (!templates) return;
    let problems = checkTemplateSend(templates, message);
    // A template approved since the last fetch (and whose webhook we missed): look once more.
    const unknown = problems.some((p) => p.code === 132001);
    if (unknown && this.clock.now() - this.fetchedAt >= this.missRefetchMs) {
      templates = await this.refresh();
      if (!templates) return;
      problems = checkTemplateSend(templates, message);
    }
    if (problems.length) throw new TemplateMismatchError(problems);
  }

  /** Stops the refresh timer and releases the HTTP client (when the catalog made it). */
  async close(): Promise<void> {
    await this.ownHttp?.close();
  }
}
