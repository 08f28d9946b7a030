import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { BotMetrics } from './bot-metrics.ts';
import { ATTR, tracer } from './tracing.ts';

const WEBHOOK_PATH = /^\/webhook\/?$/;

/**
 * Koa middleware around every `POST /webhook`, mounted outermost so it sees each final answer
 * (401, 413 and a 500 included): one span per POST, made the active context for the rest of the
 * request so the steps and gateway calls it causes become its children; with metrics on, the
 * answer's status and, for a 200, the time from arrival to the answer (the inbox journal's fsync
 * included).
 */
export function observeWebhooks(metrics?: BotMetrics): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !WEBHOOK_PATH.test(ctx.path)) return next();
    const arrived = performance.now();
    const span = tracer.startSpan('POST /webhook', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'http.route': '/webhook', 'url.path': ctx.path },
    });
    let status = 500;
    try {
      await context.with(trace.setSpan(context.active(), span), next);
      status = ctx.status;
    } finally {
      metrics?.webhookAnswered(status, (performance.now() - arrived) / 1000);
      if (span.isRecording()) {
        span.setAttribute('http.response.status_code', status);
        const received = (ctx.body as { received?: { messages?: unknown; statuses?: unknown } } | undefined)?.received;
        if (typeof received?.messages === 'number') span.setAttribute(ATTR.messages, received.messages);
        if (typeof received?.statuses === 'number') span.setAttribute(ATTR.statuses, received.statuses);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
  };
}
