import { Hono } from 'hono'
import type { HttpMetrics } from './metrics.js'

export function metricsRoutes(metrics: HttpMetrics) {
  return new Hono().get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  )
}
