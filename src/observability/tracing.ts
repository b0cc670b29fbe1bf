import { type Attributes, context, createContextKey, type Span, SpanStatusCode, trace } from '@opentelemetry/api'

/**
 * The code's side of tracing: only @opentelemetry/api, whose tracer is a no-op until
 * tracing-sdk.ts installs the SDK (OTEL_EXPORTER_OTLP_ENDPOINT). Nothing here knows an exporter.
 */
export const tracer = trace.getTracer('comptoir')

/** The attribute every span carries: the x-request-id of the request it belongs to. */
export const REQUEST_ID_ATTRIBUTE = 'comptoir.request_id'

const REQUEST_ID = createContextKey('comptoir.request_id')

/** Runs work with the request id in the active context; RequestIdSpanProcessor copies it onto spans. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return context.with(context.active().setValue(REQUEST_ID, requestId), work)
}

export function requestIdInContext(ctx = context.active()): string | undefined {
  const value = ctx.getValue(REQUEST_ID)
  return typeof value === 'string' ? value : undefined
}

/** Runs work in an active span: its children nest under it; a throw marks it failed and is rethrown. */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span)
    } catch (error) {
      markFailed(span, error)
      throw error
    } finally {
      span.end()
    }
  })
}

/** Only the error's class, never its message: messages can quote values (an email, a token). */
export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR })
  span.setAttribute('error.type', error instanceof Error ? error.constructor.name : typeof error)
}
