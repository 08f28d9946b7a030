import { createHash } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ProviderError } from '../providers/provider.ts';

/**
 * chartbot's spans, through `@opentelemetry/api` only: without an SDK registered by the user every
 * call below is the API's no-op (a non-recording span, no export), so tracing costs next to nothing
 * by default. With an SDK (docs/observability.md), one trace shows a webhook POST, the steps it
 * caused and their gateway calls.
 *
 * Linking: the webhook span is made the active context for the rest of the request, and each
 * contact's queued work runs in the context it was queued in (AsyncLocalStorage, which the SDK's
 * context manager uses, follows promises), so steps and gateway calls become children of the
 * webhook POST that brought their message. Work started without one (timers, a restart's replay)
 * is traced as its own root.
 *
 * Span attributes never hold phone numbers, message ids (WhatsApp's `wamid…` embeds the number)
 * or message text: contacts are named by `chartbot.contact`, a hash of the contact key.
 */
export const tracer = trace.getTracer('chartbot');

/** Attribute names of chartbot's spans. */
export const ATTR = {
  contact: 'chartbot.contact',
  flow: 'chartbot.flow',
  event: 'chartbot.event',
  stateBefore: 'chartbot.state.before',
  stateAfter: 'chartbot.state.after',
  replies: 'chartbot.replies',
  restarted: 'chartbot.restarted',
  provider: 'chartbot.provider',
  operation: 'chartbot.operation',
  messageType: 'chartbot.message.type',
  errorCode: 'chartbot.error.code',
  retryable: 'chartbot.error.retryable',
  messages: 'chartbot.webhook.messages',
  statuses: 'chartbot.webhook.statuses',
} as const;

/**
 * A stable pseudonym of a contact key (`{businessNumberId}:{waId}`): the first 16 hex digits of its
 * SHA-256. The same contact gets the same value in every span and process, so its traces can be
 * found (hash the key the same way); the number itself never reaches the tracing backend. Phone
 * numbers are few enough to be guessed back from an unsalted hash by someone who holds the traces:
 * this keeps numbers out of trace storage and its indexes, it does not make traces anonymous.
 */
export function hashContactKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** A state value as a span attribute: `menu`, or JSON for nested and parallel states. */
function stateText(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Starts the span of one step of a contact's machine (ended by `endStepSpan`). */
export function startStepSpan(key: string, eventType: string): Span {
  const span = tracer.startSpan('chartbot.step', { kind: SpanKind.INTERNAL });
  if (span.isRecording()) span.setAttributes({ [ATTR.contact]: hashContactKey(key), [ATTR.event]: eventType });
  return span;
}

/** Adds the flow and the state the step starts from. */
export function describeStepSpan(span: Span, flow: string, before: unknown): void {
  if (span.isRecording()) span.setAttributes({ [ATTR.flow]: flow, [ATTR.stateBefore]: stateText(before) });
}

/** Runs `work` with `span` as the active span (user code in the machine, e.g. services, nests under it). */
export function withSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** Ends a step's span with what the step did. */
export function endStepSpan(span: Span, outcome: { after: unknown; replies: number; restarted: boolean; error?: unknown }): void {
  if (span.isRecording()) {
    const attributes: Attributes = { [ATTR.stateAfter]: stateText(outcome.after), [ATTR.replies]: outcome.replies };
    if (outcome.restarted) attributes[ATTR.restarted] = true;
    span.setAttributes(attributes);
    if (outcome.error !== undefined) failSpan(span, outcome.error);
  }
  span.end();
}

/**
 * Runs one gateway call in a span of its own (`chartbot.provider.send`, `chartbot.provider.mark_read`),
 * a child of the active span; a failure is recorded with the gateway's code.
 */
export async function traceProviderCall<T>(
  operation: 'send' | 'mark_read',
  details: { provider: string; key: string; messageType?: string },
  call: () => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(`chartbot.provider.${operation}`, { kind: SpanKind.CLIENT });
  if (span.isRecording()) {
    span.setAttributes({
      [ATTR.provider]: details.provider,
      [ATTR.operation]: operation,
      [ATTR.contact]: hashContactKey(details.key),
      ...(details.messageType ? { [ATTR.messageType]: details.messageType } : {}),
    });
  }
  try {
    return await call();
  } catch (error) {
    if (span.isRecording()) failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Marks a span failed. Only the error's name, code and title are recorded: error messages may quote
 * a gateway's answer, and answers can name the recipient.
 */
function failSpan(span: Span, error: unknown): void {
  if (error instanceof ProviderError) {
    span.setAttributes({ [ATTR.errorCode]: error.code, [ATTR.retryable]: error.retryable });
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.code} ${error.title}` });
    return;
  }
  const name = error instanceof Error ? error.name : typeof error;
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
  span.addEvent('exception', { 'exception.type': name });
}
