import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { AccessTokenIssuer } from './auth/access-token.js'
import type { PickupSecrets } from './auth/pickup-secrets.js'
import type { Config } from './config.js'
import type { Db } from './db/create-db.js'
import { serveGraphQL } from './graphql/graphql-route.js'
import { createGraphQLHandler } from './graphql/yoga.js'
import { healthRoutes } from './http/health.routes.js'
import { createHttpMetrics, type HttpMetrics } from './http/metrics.js'
import { metricsRoutes } from './http/metrics.routes.js'
import { staffBoardRoutes } from './http/staff-board/staff-board.routes.js'
import type { Logger } from './logger.js'
import { type AppPubSub, createAppPubSub } from './modules/events/pubsub.js'
import type { AppPayments } from './modules/payments/payment-setup.js'
import { stripeWebhookRoutes } from './modules/payments/stripe-webhook.routes.js'

export interface AppDependencies {
  config: Pick<Config, 'graphql' | 'storefrontUrl' | 'orders' | 'cartHolds' | 'metrics'>
  db: Db
  logger: Logger
  accessTokens: AccessTokenIssuer
  pickupSecrets: PickupSecrets
  /** Online payments: paymentsFor(config.stripe), which config allows offline only where it is safe. */
  payments: AppPayments
  metrics?: HttpMetrics
  /** Defaults to an in-process pub/sub; the server shares its own with the outbox dispatcher. */
  pubsub?: AppPubSub
  now?: () => Date
}

type AppEnv = { Variables: { requestId: string } }

export function createApp(deps: AppDependencies) {
  const metrics = deps.metrics ?? createHttpMetrics({ processMetrics: false })
  const pubsub = deps.pubsub ?? createAppPubSub()
  const payments = deps.payments
  const yoga = createGraphQLHandler({
    ...deps,
    payments,
    pubsub,
    graphql: deps.config.graphql,
    storefrontUrl: deps.config.storefrontUrl,
    orders: deps.config.orders,
    cartHolds: deps.config.cartHolds,
  })
  const app = new Hono<AppEnv>()

  app.use(requestId({ headerName: 'x-request-id' }))
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

  app.route('/', healthRoutes(deps.db))
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
    serveGraphQL(yoga, c.req.raw, c.env, { logger: deps.logger.child({ reqId: c.get('requestId') }) }),
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
