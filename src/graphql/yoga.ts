import { useGraphQlJit } from '@envelop/graphql-jit'
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'
import { type DocumentNode, GraphQLError, getOperationAST, NoSchemaIntrospectionCustomRule } from 'graphql'
import { createYoga, type Plugin } from 'graphql-yoga'
import type { Logger } from 'pino'
import type { AccessTokenIssuer } from '../auth/access-token.js'
import type { PickupSecrets } from '../auth/pickup-secrets.js'
import type { Viewer } from '../auth/viewer.js'
import type { Config } from '../config.js'
import type { Db } from '../db/create-db.js'
import { UNKNOWN_CLIENT } from '../http/client-address.js'
import type { GraphQLOperationCounter } from '../http/metrics.js'
import type { AttemptLimits } from '../limits/attempt-limits.js'
import { isOriginRefusal, originOfRequest, type RequestOrigin } from '../modules/channels/request-origin.js'
import { signalEventRecorded } from '../modules/events/event-signal.js'
import type { AppPubSub } from '../modules/events/pubsub.js'
import type { AppPayments } from '../modules/payments/payment-setup.js'
import { type Credential, credentialOf, viewerOfCredential } from '../modules/sessions/credential.js'
import type { WebhookSecretBox } from '../modules/webhooks/webhook-secret-box.js'
import { limitBodies } from './body-limits.js'
import type { GraphQLContext } from './context.js'
import { corsFor } from './cors.js'
import { costLimitPlugin } from './cost-limit.js'
import { depthLimitRule } from './depth-limit.js'
import { maskError } from './error-masking.js'
import { localGraphiQL } from './graphiql-page.js'
import { refuseUnstorableText } from './input-validation.js'
import { isJsonGraphQLPost, parseGraphQLJsonBody } from './node-json-body.js'
import { observeOperations } from './operation-observer.js'
import { schema } from './schema.js'
import { refuseSubscriptions } from './subscriptions-elsewhere.js'

export interface ServerContext {
  logger: Logger
  /** The request's JSON body, when the server read it itself (see app.ts); its Request has none. */
  jsonBody?: string
  /** Who the client is (http/client-address.ts); absent when yoga is reached some other way. */
  clientAddress?: string
}

/**
 * The largest GraphQL request body taken: far above any real operation (a cart of a hundred lines
 * is a few kilobytes).
 */
export const GRAPHQL_MAX_BODY_BYTES = 1024 * 1024

export interface YogaDependencies {
  db: Db
  accessTokens: AccessTokenIssuer
  pickupSecrets: PickupSecrets
  webhookSecrets: WebhookSecretBox
  payments: AppPayments
  orders: Config['orders']
  env: Config['env']
  cartHolds: Config['cartHolds']
  channels: Config['channels']
  logger: Logger
  pubsub: AppPubSub
  attemptLimits: AttemptLimits
  graphqlOperations: GraphQLOperationCounter
  graphql: Config['graphql']
  storefrontUrl: string
  /** Injectable clock; tests pin it to check opening hours at a given instant. */
  now?: () => Date
  /**
   * Run queries compiled by graphql-jit (the default, on Node). It generates code from strings,
   * which Cloudflare Workers refuse: the worker passes false and gets graphql-js's executor.
   */
  compileQueries?: boolean
  /** Set where subscriptions cannot be served (Workers): they answer an error naming nodeUrl. */
  subscriptionsElsewhere?: { nodeUrl: string | null }
}

export function createGraphQLHandler(deps: YogaDependencies) {
  const limits = deps.graphql
  const plugins: Plugin[] = [
    // Queries (the hot, read-mostly listings) run compiled: about a third less CPU per page of
    // products. Mutations and subscriptions keep the reference executor.
    ...((deps.compileQueries ?? true)
      ? [useGraphQlJit({}, { enableIf: (args) => !isSubscription(args.document, args.operationName) }) as Plugin]
      : []),
    EnvelopArmorPlugin({
      // Ours instead (depth-limit.ts, cost-limit.ts): armor's skip every field named __schema,
      // and its cost ignores page sizes.
      maxDepth: { enabled: false },
      costLimit: { enabled: false },
      maxAliases: { n: limits.maxAliases },
      maxTokens: { n: limits.maxTokens },
      maxDirectives: { n: 20 },
      blockFieldSuggestion: { enabled: !limits.introspection },
    }),
    limitDepth(limits.maxDepth),
    costLimitPlugin(limits.maxCost),
    refuseUnstorableText(),
    signalEventsAfterMutations(),
    observeOperations(deps.graphqlOperations),
    parseJsonBodies(),
    limitBodies({ maxBodyBytes: GRAPHQL_MAX_BODY_BYTES, maxUploadBytes: limits.maxUploadBytes }),
  ]
  if (!limits.introspection) plugins.push(disableIntrospection())
  if (deps.subscriptionsElsewhere) plugins.push(refuseSubscriptions(deps.subscriptionsElsewhere.nodeUrl))

  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: limits.graphiql ? { title: 'Comptoir', defaultQuery: GRAPHIQL_QUERY } : false,
    renderGraphiQL: localGraphiQL(),
    landingPage: false,
    cors: corsFor(limits.corsOrigins),
    // The larger of the two; limitBodies holds each kind of request to its own.
    maxRequestBodySize: Math.max(GRAPHQL_MAX_BODY_BYTES, limits.maxUploadBytes),
    logging: false,
    maskedErrors: { isDev: false, maskError: (error) => maskError(error, deps.logger) },
    plugins,
    context: async ({ request, logger, clientAddress = UNKNOWN_CLIENT }) => {
      const { credential, viewer } = await viewerFrom(request.headers.get('authorization'), deps)
      return {
        db: deps.db,
        clientAddress,
        attempts: deps.attemptLimits.forClient(clientAddress),
        pubsub: deps.pubsub,
        cartToken: request.headers.get('x-cart-token'),
        storefrontUrl: deps.storefrontUrl,
        accessTokens: deps.accessTokens,
        pickupSecrets: deps.pickupSecrets,
        webhookSecrets: deps.webhookSecrets,
        payments: deps.payments,
        orders: deps.orders,
        env: deps.env,
        cartHolds: deps.cartHolds,
        logger,
        credential,
        viewer,
        origin: await originFrom(request.headers, viewer, deps),
        now: deps.now?.() ?? new Date(),
      }
    },
  })
}

/**
 * Where the request comes from (modules/channels/request-origin.ts). A key that does not hold is
 * an error, as a bad bearer is: the client must not be taken for another channel or storefront.
 */
async function originFrom(
  headers: Headers,
  viewer: Viewer,
  deps: { db: Db; channels: Config['channels'] },
): Promise<RequestOrigin> {
  const origin = await originOfRequest(deps.db, {
    viewer,
    headers: {
      storefrontKey: headers.get('x-storefront-key'),
      kioskKey: headers.get('x-kiosk-key'),
      deviceId: headers.get('x-device-id'),
    },
    requireStorefrontKey: deps.channels.requireStorefrontKey,
  })
  if (isOriginRefusal(origin)) throw new GraphQLError(origin.message, { extensions: { code: origin.code } })
  return origin
}

/**
 * Who is calling, from the Authorization header: the token's signature and expiry, then (for a
 * signed-in or terminal caller) one indexed read that it still holds. Anonymous calls read nothing.
 */
async function viewerFrom(
  authorization: string | null,
  deps: { accessTokens: AccessTokenIssuer; db: Db },
): Promise<{ credential: Credential; viewer: Viewer }> {
  const credential = await credentialOf(authorization, deps.accessTokens)
  const viewer = credential ? await viewerOfCredential(deps.db, credential) : null
  // A bad token is an error, not a silent downgrade to anonymous: the client must sign in again.
  if (!credential || !viewer) {
    throw new GraphQLError('The access token is invalid or expired.', { extensions: { code: 'UNAUTHENTICATED' } })
  }
  return { credential, viewer }
}

/**
 * A mutation may have written outbox events; once it has executed, its transactions have
 * committed, so the dispatcher can publish them now rather than at its next poll.
 */
function signalEventsAfterMutations(): Plugin {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return
      return { onExecuteDone: () => signalEventRecorded() }
    },
  }
}

/**
 * Every JSON POST through one parser (parseGraphQLJsonBody): the body the server already read
 * (ServerContext.jsonBody), or the Request's own; yoga's answers 200 to broken JSON when the client
 * accepts application/json, where GraphQL over HTTP says 400. Yoga's size limit still wraps it.
 */
function parseJsonBodies(): Plugin {
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      const text = (serverContext as Partial<ServerContext> | undefined)?.jsonBody
      if (text !== undefined) setRequestParser(() => parseGraphQLJsonBody(text))
      else if (isJsonGraphQLPost(request.method, request.headers.get('content-type') ?? undefined)) {
        setRequestParser(async (limited) => parseGraphQLJsonBody(await limited.text()))
      }
    },
  }
}

function limitDepth(maxDepth: number): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(depthLimitRule(maxDepth))
    },
  }
}

function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule)
    },
  }
}

const GRAPHIQL_QUERY = `# The first page of the catalog, with stock in the nearest stores to the Louvre.
query FirstLook {
  products(first: 5) {
    edges {
      node {
        title
        variants {
          sku
          price { amount currencyCode }
          availabilityNear(near: { latitude: 48.8606, longitude: 2.3376 }, first: 3) {
            store { name }
            distanceKm
            available
            status
          }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`

function isSubscription(document: DocumentNode, operationName: string | null | undefined): boolean {
  return getOperationAST(document, operationName)?.operation === 'subscription'
}
