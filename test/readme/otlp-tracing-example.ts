import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Sends chartbot's spans to an OpenTelemetry collector (OTLP over HTTP). Call it once, before
 * createBot(); `register()` also installs the context manager that links each step and gateway
 * call to the webhook POST that caused it. Call `shutdown()` on the result when stopping, to send
 * the last spans.
 */
export function startTracing(url = 'http://localhost:4318/v1/traces'): NodeTracerProvider {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'my-whatsapp-bot' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  return provider;
}
