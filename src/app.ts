import { IncomingMessage } from 'node:http'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import type { AccessTokenIssuer } from './auth/access-token.js'
import type { PickupSecrets } from './auth/pickup-secrets.js'
import type { Config } from './config.js'
import type { Db } from './db/create-db.js'
import { isJsonGraphQLPost, readNodeJsonBody } from './graphql/node-json-body.js'
import { createGraphQLHandler, GRAPHQL_MAX_BODY_BYTES, type ServerContext } from './graphql/yoga.js'
import { healthRoutes } from './http/health.routes.js'
import { createHttpMetrics, type HttpMetrics } from './http/metrics.js'
import { metricsRoutes } from './http/metrics.routes.js'
import { staffBoardRoutes } from './http/staff-board/staff-board.routes.js'
import type { Logger } from './logger.js'
import { type AppPubSub, createAppPubSub } from './modules/events/pubsub.js'
import { type AppPayments, paymentsFor } from './modules/payments/payment-setup.js'
import { stripeWebhookRoutes } from './modules/payments/stripe-webhook.routes.js'

export interface AppDependencies {
  config: Pick<Config, 'graphql' | 'storefrontUrl' | 'orders' | 'cartHolds'>
  db: Db
  logger: Logger
  accessTokens: AccessTokenIssuer
  pickupSecrets: PickupSecrets
  /** Online payments; the offline provider when not given (tests, demos). */
  payments?: AppPayments
  metrics?: HttpMetrics
  /** Defaults to an in-process pub/sub; the server shares its own with the outbox dispatcher. */
  pubsub?: AppPubSub
  now?: () => Date
}

type AppEnv = { Variables: { requestId: string } }

/** Answered, as yoga answers it, to a GraphQL request over GRAPHQL_MAX_BODY_BYTES. */
const REQUEST_TOO_LARGE = {
  errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }],
}

/** The Node request behind a Hono context when @hono/node-server serves it; absent elsewhere. */
function nodeIncomingOf(env: unknown): IncomingMessage | null {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming
  return incoming instanceof IncomingMessage ? incoming : null
}

export function createApp(deps: AppDependencies) {
  const metrics = deps.metrics ?? createHttpMetrics({ processMetrics: false })
  const pubsub = deps.pubsub ?? createAppPubSub()
  const payments = deps.payments ?? paymentsFor(null)
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
  app.route('/', metricsRoutes(metrics))
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
  app.on(['GET', 'POST', 'OPTIONS'], '/graphql', async (c) => {
    const serverContext: ServerContext = { logger: deps.logger.child({ reqId: c.get('requestId') }) }
    let request = c.req.raw
    // Under Node, a JSON POST's body is read here off the socket and handed to yoga as text,
    // with a Request that carries none: yoga would otherwise read it through web streams, and
    // its size limit through a second stream and Request (a tenth of a checkout's server CPU).
    const incoming = nodeIncomingOf(c.env)
    if (incoming && isJsonGraphQLPost(c.req.method, c.req.header('content-type'))) {
      const body = await readNodeJsonBody(incoming, GRAPHQL_MAX_BODY_BYTES)
      if (body.kind === 'too-large') return c.json(REQUEST_TOO_LARGE, 413)
      serverContext.jsonBody = body.text
      request = new Request(c.req.url, { method: 'POST', headers: c.req.raw.headers })
    }
    const response = await yoga.fetch(request, serverContext)
    // A JSON answer is handed over as text in the runtime's own Response, which the Node adapter
    // writes in one go; yoga's would be read back through a stream reader (about a quarter of a
    // checkout's server CPU). Event streams and other bodies pass through as they come.
    if (!response.headers.get('content-type')?.includes('json')) return response
    return new Response(await response.text(), { status: response.status, headers: new Headers(response.headers) })
  })
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
