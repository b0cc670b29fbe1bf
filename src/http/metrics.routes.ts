import { createHash, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { HttpMetrics } from './metrics.js'

/**
 * GET /metrics. With a token, only for `Authorization: Bearer <token>`; without one, open, which
 * only the separate metrics listener (METRICS_PORT) may be (see app.ts and server.ts).
 */
export function metricsRoutes(metrics: HttpMetrics, token: string | null) {
  return new Hono().get('/metrics', async (c) => {
    if (token !== null && !bearerMatches(c.req.header('authorization'), token)) {
      return c.json({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }, 401, {
        'www-authenticate': 'Bearer',
      })
    }
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
  })
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!given) return false
  // Digests have one length whatever was sent, so the comparison's time says nothing about the token.
  return timingSafeEqual(sha256(given), sha256(token))
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
