import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { tracer, withRequestId } from './tracing.js'

/**
 * The server span of a request, the parent of everything it does, with its request id in the
 * context for every span below (see tracing-sdk.ts). A caller's `traceparent` is continued.
 * After hono's requestId middleware.
 */
export function traceRequests(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return (c, next) => {
    const parent = propagation.extract(context.active(), Object.fromEntries(c.req.raw.headers))
    return context.with(parent, () =>
      withRequestId(c.get('requestId'), () =>
        tracer.startActiveSpan(
          `${c.req.method} ${c.req.path}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method } },
          async (span) => {
            try {
              await next()
            } finally {
              const route = routePath(c)
              span.updateName(`${c.req.method} ${route}`)
              span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status })
              if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
              span.end()
            }
          },
        ),
      ),
    )
  }
}
