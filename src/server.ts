import { serve } from '@hono/node-server'
import type { Redis } from 'ioredis'
import { createApp } from './app.js'
import { startBackgroundWork } from './background.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import type { Db } from './db/create-db.js'
import { createHttpMetrics } from './http/metrics.js'
import { serveMetrics } from './http/metrics-listener.js'
import { createReadiness } from './http/readiness.js'
import { type LogDestination, nonBlockingDestination } from './log-destination.js'
import { createLogger, type Logger } from './logger.js'
import { type AppPubSub, createAppPubSub } from './modules/events/pubsub.js'
import { paymentsFor } from './modules/payments/payment-setup.js'
import { resealWebhookSecrets } from './modules/webhooks/webhook-secret-reseal.js'
import { accessTokenIssuerFor, openDatabase, pickupSecretsFor, seedIfWanted, webhookSecretBoxFor } from './runtime.js'
import { DEMO_ACCOUNTS, DEMO_CLIENT_KEYS, DEMO_CUSTOMER } from './seed/seed.js'
import { armShutdownWatchdog } from './shutdown-watchdog.js'

/** How long the last log lines may take to reach a slow reader before the process exits anyway. */
const FINAL_LOG_FLUSH_MS = 1000

async function main() {
  const config = loadConfigOrExit()
  const logOutput = nonBlockingDestination(1)
  const logger = createLogger(config.logLevel, logOutput)
  // Loaded only when wanted: without an endpoint the API's no-op tracer costs nothing at start-up.
  const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? (await import('./observability/tracing-sdk.js')).startTracing()
    : null
  if (tracing) logger.info('tracing to OTEL_EXPORTER_OTLP_ENDPOINT')
  const db = await openDatabase(config, logger, { migrate: config.migrateOnStart })
  await seedIfWanted(config, db, logger)
  const webhookSecrets = webhookSecretBoxFor(config)
  await resealWebhookSecrets(db, webhookSecrets, logger)

  const live = await liveUpdatesFor(config, db, logger)
  const pubsub = live.pubsub
  const payments = paymentsFor(config.stripe)
  const metrics = createHttpMetrics({ processMetrics: true })
  const redis = await redisFor(config, logger)
  const readiness = createReadiness()
  const app = createApp({
    config,
    db,
    logger,
    pubsub,
    redis,
    accessTokens: accessTokenIssuerFor(config),
    pickupSecrets: pickupSecretsFor(config),
    webhookSecrets,
    payments,
    metrics,
    readiness,
  })
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info({ port: info.port, database: config.database.kind }, 'listening')
    // Off the path to /readyz, and before the first payment needs it (stripe-sdk.ts).
    payments.stripe?.client().catch((error: unknown) => logger.error({ err: error }, 'loading the Stripe SDK failed'))
    printWelcome(config, info.port, logOutput)
  })
  server.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT)` : error.message
    process.stderr.write(`Comptoir cannot listen on ${config.host}:${config.port}: ${reason}\n`)
    process.exit(1)
  })
  const metricsServer = serveMetrics(config, metrics, logger)
  const background = startBackgroundWork({ config, db, logger, pubsub, payments, metrics, webhookSecrets })

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    // First, before anything that could block: past the grace period the process ends, even if
    // its event loop is stuck and the deadline below cannot fire.
    armShutdownWatchdog(config.shutdownGraceMs)
    readiness.drain()
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests')
    const deadline = setTimeout(async () => {
      logger.warn('in-flight requests outlived the grace period; closing anyway')
      await logOutput.flush(FINAL_LOG_FLUSH_MS)
      process.exit(1)
    }, cooperativeDeadlineMs(config.shutdownGraceMs))
    deadline.unref()
    // Open event streams would hold close() until the deadline: end them, clients reconnect elsewhere.
    pubsub.close()
    // No new dispatch runs or jobs from now on; the ones in flight finish before the pool closes.
    const backgroundStopped = background.stop()
    // close() stops accepting and calls back once every in-flight response has been sent.
    metricsServer?.close()
    server.close(async () => {
      await backgroundStopped
      await db.destroy()
      redis?.disconnect()
      live.disconnect()
      await tracing?.shutdown().catch(() => {})
      logger.info('stopped')
      await logOutput.flush(FINAL_LOG_FLUSH_MS)
      process.exit(0)
    })
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

// Redis's client (ioredis) is loaded only when REDIS_URL is set: a single instance starts without
// reading and compiling it (about a tenth of the bundle).

/** Shared counters (REDIS_URL); a connection problem is logged, and each limiter decides what it means. */
async function redisFor(config: Config, logger: Logger): Promise<Redis | undefined> {
  if (!config.limits.redisUrl) return undefined
  const { Redis } = await import('ioredis')
  const redis = new Redis(config.limits.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection problem'))
  return redis
}

/**
 * Through Redis when REDIS_URL is set, so that every instance's subscribers hear every change;
 * otherwise in this process, which is right for one instance and says so on a real database.
 */
async function liveUpdatesFor(
  config: Config,
  db: Db,
  logger: Logger,
): Promise<{ pubsub: AppPubSub; disconnect(): void }> {
  const redisUrl = config.limits.redisUrl
  if (redisUrl) {
    const { createRedisPubSub } = await import('./modules/events/redis-pubsub.js')
    return createRedisPubSub({ redisUrl, db, logger })
  }
  if (config.database.kind === 'postgres')
    logger.warn(
      'live updates are per instance (no REDIS_URL): subscribers hear only the changes this instance dispatches; set REDIS_URL to run several instances',
    )
  return { pubsub: createAppPubSub(), disconnect: () => {} }
}

/** The event loop's own deadline comes a little before the watchdog's, to exit with a log line. */
function cooperativeDeadlineMs(graceMs: number): number {
  return Math.max(1, graceMs - Math.min(FINAL_LOG_FLUSH_MS + 500, Math.floor(graceMs / 4)))
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }
}

function printWelcome(config: Config, port: number, output: LogDestination) {
  if (config.env === 'production') return
  const lines = [
    '',
    `  Comptoir is serving http://localhost:${port}/graphql${config.graphql.graphiql ? ' (GraphiQL in the browser)' : ''}`,
    `  Database: ${config.database.kind === 'embedded' ? `embedded PGlite in ${config.database.dataDir}/` : 'PostgreSQL'}`,
  ]
  if (config.seedOnStart) {
    lines.push('  Demo accounts (sign in with the staffSignIn mutation):')
    for (const account of DEMO_ACCOUNTS)
      lines.push(`    ${account.role.padEnd(9)} ${account.email} / ${account.password}`)
    lines.push(`  Demo customer (customerSignIn): ${DEMO_CUSTOMER.email} / ${DEMO_CUSTOMER.password}`)
    const { web, app, kiosk } = DEMO_CLIENT_KEYS
    lines.push(`  Demo storefront keys (X-Storefront-Key): WEB ${web.key}, APP ${app.key}`)
    lines.push(`  Demo kiosk key (X-Kiosk-Key, ${kiosk.storeCode}): ${kiosk.key}`)
  }
  output.write(`${lines.join('\n')}\n\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`Comptoir failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
