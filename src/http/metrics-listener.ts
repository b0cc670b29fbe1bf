import { serve } from '@hono/node-server'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { HttpMetrics } from './metrics.js'
import { metricsRoutes } from './metrics.routes.js'

/**
 * Prometheus's own listener on METRICS_PORT, if configured (see MetricsConfig): a port the
 * operator keeps off the public network; METRICS_TOKEN still applies when set.
 */
export function serveMetrics(config: Pick<Config, 'host' | 'metrics'>, metrics: HttpMetrics, logger: Logger) {
  if (config.metrics.port === null) {
    if (config.metrics.token === null) logger.info('/metrics is not served: set METRICS_TOKEN or METRICS_PORT')
    return null
  }
  const routes = metricsRoutes(metrics, config.metrics.token)
  const server = serve({ fetch: routes.fetch, hostname: config.host, port: config.metrics.port }, (info) =>
    logger.info({ port: info.port }, 'metrics listening'),
  )
  server.on('error', (error) => {
    process.stderr.write(`Comptoir cannot serve metrics on port ${config.metrics.port}: ${error.message}\n`)
    process.exit(1)
  })
  return server
}
