import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { Redis } from 'ioredis'
import type { AccessTokenIssuer } from './auth/access-token.js'
import type { PickupSecrets } from './auth/pickup-secrets.js'
import type { Config } from './config.js'
import type { Db } from './db/create-db.js'
import { serveGraphQL } from './graphql/graphql-route.js'
import { createGraphQLHandler } from './graphql/yoga.js'
import { parseTrustedProxies } from './http/client-address.js'
import { type ClientAddressEnv, clientAddressMiddleware, type PeerAddressOf } from './http/client-address.middleware.js'
import { healthRoutes } from './http/health.routes.js'
import { createHttpMetrics, type HttpMetrics } from './http/metrics.js'
import { metricsRoutes } from './http/metrics.routes.js'
import type { Readiness } from './http/readiness.js'
import { graphqlRefusalBody, plainRefusalBody, requestBudget } from './http/request-budget.js'
import { staffBoardRoutes } from './http/staff-board/staff-board.routes.js'
import { createAttemptLimits } from './limits/attempt-limits.js'
import type { Logger } from './logger.js'
import { type AppPubSub, createAppPubSub } from './modules/events/pubsub.js'
import type { AppPayments } from './modules/payments/payment-setup.js'
import { stripeWebhookRoutes } from './modules/payments/stripe-webhook.routes.js'
import type { WebhookSecretBox } from './modules/webhooks/webhook-secret-box.js'
import { registerDatabaseMetrics } from './observability/database-metrics.js'
import { traceRequests } from './observability/request-tracing.js'

export interface AppDependencies {
  config: Pick<Config, 'env' | 'graphql' | 'storefrontUrl' | 'orders' | 'cartHolds' | 'channels' | 'limits' | 'metrics'>
  db: Db
  logger: Logger
  accessTokens: AccessTokenIssuer
  pickupSecrets: PickupSecrets
  /** Seals the signing secret of each webhook endpoint an admin registers. */
  webhookSecrets: WebhookSecretBox
  /** Online payments: paymentsFor(config.stripe), which config allows offline only where it is safe. */
  payments: AppPayments
  metrics?: HttpMetrics
  /** Defaults to an in-process pub/sub; the server shares its own with the outbox dispatcher. */
  pubsub?: AppPubSub
  /** Shares attempt counters and the request budget between instances (REDIS_URL). */
  redis?: Redis
  /** Turned to draining by the server's shutdown, so /readyz answers 503 from then on. */
  readiness?: Readiness
  now?: () => Date
  /** graphql-jit for queries (default true); false where code generation is refused (Workers). */
  compileQueries?: boolean
  /** Where subscriptions are not served (Workers): they answer an error naming the Node deployment. */
  subscriptionsElsewhere?: { nodeUrl: string | null }
  /** Where a runtime has no socket (Workers), who the peer is; Node reads the socket. */
  peerAddressOf?: PeerAddressOf
}

type AppEnv = { Variables: { requestId: string } & ClientAddressEnv['Variables'] }

export function createApp(deps: AppDependencies) {
  const metrics = deps.metrics ?? createHttpMetrics({ processMetrics: false })
  registerDatabaseMetrics(metrics.registry, deps.db, deps.now)
  const pubsub = deps.pubsub ?? createAppPubSub()
  const payments = deps.payments
  const countRefusal = (limit: string) => metrics.limiterRefusals.inc({ limit })
  const attemptLimits = createAttemptLimits(
    deps.redis ? { kind: 'redis', redis: deps.redis } : { kind: 'database', db: deps.db },
    countRefusal,
  )
  const yoga = createGraphQLHandler({
    ...deps,
    payments,
    pubsub,
    attemptLimits,
    graphqlOperations: metrics.graphqlOperations,
    graphql: deps.config.graphql,
    storefrontUrl: deps.config.storefrontUrl,
    orders: deps.config.orders,
    env: deps.config.env,
    cartHolds: deps.config.cartHolds,
    channels: deps.config.channels,
  })
  const app = new Hono<AppEnv>()

  app.use(requestId({ headerName: 'x-request-id' }))
  app.use(traceRequests())
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    const seconds = (performance.now() - started) / 1000
    const route = routePath(c)
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    metrics.duration.observe({ method: c.req.method, route }, seconds)
    deps.logger.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      'request',
    )
  })

  app.use(clientAddressMiddleware(parseTrustedProxies(deps.config.limits.trustProxy), deps.peerAddressOf))
  const { requestsPerMinute } = deps.config.limits
  if (requestsPerMinute > 0) {
    const budget = (name: string, refusalBody: (retryAfterSeconds: number) => string) =>
      requestBudget({
        name,
        requestsPerMinute,
        store: deps.redis ? { kind: 'redis', redis: deps.redis } : { kind: 'memory' },
        clientOf: (c) => c.get('clientAddress'),
        refusalBody,
        onRefused: countRefusal,
      })
    app.use('/graphql', budget('request_budget_graphql', graphqlRefusalBody))
    app.use('/webhooks/stripe', budget('request_budget_webhook', plainRefusalBody))
  }

  app.route('/', healthRoutes(deps.db, deps.readiness))
  // Public port: only behind a token; a separate METRICS_PORT listener serves them instead (server.ts).
  if (deps.config.metrics.token !== null && deps.config.metrics.port === null) {
    app.route('/', metricsRoutes(metrics, deps.config.metrics.token))
  }
  app.route('/', staffBoardRoutes())
  if (payments.stripe) {
    app.route(
      '/',
      stripeWebhookRoutes({
        db: deps.db,
        stripe: payments.stripe.client,
        webhookSecret: payments.stripe.webhookSecret,
        logger: deps.logger,
        now: deps.now,
      }),
    )
  }
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', (c) =>
    serveGraphQL(yoga, c.req.raw, c.env, {
      logger: deps.logger.child({ reqId: c.get('requestId') }),
      clientAddress: c.get('clientAddress'),
    }),
  )
  app.get('/', (c) => c.redirect('/graphql'))

  app.notFound((c) => c.json({ error: 'not found' }, 404))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    deps.logger.error({ err: error, reqId: c.get('requestId') }, 'unhandled error')
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500)
  })
  return app
}

export type App = ReturnType<typeof createApp>
