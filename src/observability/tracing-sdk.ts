import type { Context } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node'
import { REQUEST_ID_ATTRIBUTE, requestIdInContext } from './tracing.js'

/** Copies the request id of the context a span starts in onto the span, whoever created it. */
class RequestIdSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const requestId = requestIdInContext(parentContext)
    if (requestId !== undefined) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId)
  }
  onEnd(_span: ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface Tracing {
  /** Sends the spans still buffered and stops; call before the process exits. */
  shutdown(): Promise<void>
}

/**
 * Installs the OpenTelemetry SDK globally: the async context manager, the W3C propagator and an
 * exporter. With OTEL_EXPORTER_OTLP_ENDPOINT the OTLP/HTTP exporter reads the standard OTEL_*
 * variables itself (endpoint, headers, service name through OTEL_SERVICE_NAME); tests pass an
 * in-memory exporter, exported span by span.
 */
export function startTracing(options: { exporter?: SpanExporter } = {}): Tracing {
  const spanProcessors: SpanProcessor[] = [new RequestIdSpanProcessor()]
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter))
  else spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()))
  const provider = new NodeTracerProvider({ spanProcessors })
  provider.register()
  return { shutdown: () => provider.shutdown() }
}
