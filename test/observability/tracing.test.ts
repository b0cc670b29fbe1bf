import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHttpMetrics } from '../../src/http/metrics.js'
import { createScheduler } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { inSpan, REQUEST_ID_ATTRIBUTE, withRequestId } from '../../src/observability/tracing.js'
import { startTracing, type Tracing } from '../../src/observability/tracing-sdk.js'
import { globalId } from '../fixtures/ids.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const METRICS_TOKEN = 'metrics-token-for-the-test'
const exporter = new InMemorySpanExporter()
let tracing: Tracing
let testDb: TestDb
let stripeApp: StripeTestApp
let variantId: string

beforeAll(async () => {
  tracing = startTracing({ exporter })
  testDb = await createTestDb()
  stripeApp = await createStripeTestApp(testDb, { now: () => new Date() })
  const row = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variantId = globalId('Variant', row.id)
})
afterAll(async () => {
  await stripeApp.close()
  await testDb.destroy()
  await tracing.shutdown()
})
beforeEach(() => exporter.reset())

const spans = () => exporter.getFinishedSpans()
const named = (name: string) => spans().filter((span) => span.name === name)
const childrenOf = (parent: ReadableSpan) =>
  spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)

function post(query: string, variables: Record<string, unknown>, requestId: string) {
  return stripeApp.api.app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  })
}

const CART_CREATE = `mutation CartCreate($input: CartCreateInput!) {
  cartCreate(input: $input) { cart { id } userErrors { code } }
}`

describe('traces', () => {
  it('nests a query under its request, its SQL under the operation, each with the request id', async () => {
    const response = await post('query Listing { products(first: 2) { edges { node { title } } } }', {}, 'req-listing')
    expect(response.status).toBe(200)
    const [request] = named('POST /graphql')
    const [operation] = named('query Listing')
    expect(request).toBeDefined()
    expect(operation?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId)
    expect(operation?.attributes['graphql.operation.type']).toBe('query')
    const statements = childrenOf(operation as ReadableSpan)
    expect(statements.length).toBeGreaterThan(0)
    expect(statements.every((span) => span.name === 'SELECT')).toBe(true)
    expect(String(statements[0]?.attributes['db.query.text'])).toMatch(/select/i)
    for (const span of [request, operation, ...statements]) {
      expect(span?.attributes[REQUEST_ID_ATTRIBUTE]).toBe('req-listing')
    }
  })

  it('traces a writing mutation with its transaction statements, and never their parameters', async () => {
    const response = await post(
      CART_CREATE,
      { input: { channel: 'WEB', lines: [{ variantId, quantity: 2 }] } },
      'req-cart',
    )
    const body = (await response.json()) as { data: { cartCreate: { cart: { id: string } | null } } }
    expect(body.data.cartCreate.cart).not.toBeNull()
    const [operation] = named('mutation CartCreate')
    expect(operation?.attributes[REQUEST_ID_ATTRIBUTE]).toBe('req-cart')
    const below = spans().filter((span) => span.spanContext().traceId === operation?.spanContext().traceId)
    const sqlSpans = below.filter((span) => span.attributes['db.query.text'] !== undefined)
    expect(sqlSpans.some((span) => /insert|update|with/i.test(String(span.attributes['db.query.text'])))).toBe(true)
    expect(sqlSpans.every((span) => span.attributes[REQUEST_ID_ATTRIBUTE] === 'req-cart')).toBe(true)
    const raw = rawVariantId(variantId)
    for (const span of sqlSpans) expect(JSON.stringify(span.attributes)).not.toContain(raw)
  })

  it('traces a Stripe call against the fake Stripe, under the span that made it', async () => {
    await withRequestId('req-stripe', () =>
      inSpan('checkout', {}, () =>
        stripeApp.stripe.authorize({
          orderId: '00000000-0000-4000-8000-000000000001',
          paymentId: '00000000-0000-4000-8000-000000000002',
          amountMinor: 1250,
          currencyCode: 'EUR',
          idempotencyKey: 'trace-authorize-1',
        }),
      ),
    )
    expect(stripeApp.fake.requests.at(-1)?.path).toBe('/v1/payment_intents')
    const [call] = named('stripe authorize the payment')
    const [parent] = named('checkout')
    expect(call?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId)
    expect(call?.attributes[REQUEST_ID_ATTRIBUTE]).toBe('req-stripe')
    expect(JSON.stringify(call?.attributes)).not.toContain('sk_test')
  })

  it('traces an outbox dispatch with its claim statements, carrying the id of the request that woke it', async () => {
    await post(CART_CREATE, { input: { channel: 'WEB', lines: [{ variantId, quantity: 1 }] } }, 'req-wake')
    exporter.reset()
    const dispatcher = createOutboxDispatcher({
      db: testDb.db,
      pubsub: createAppPubSub(),
      logger: createLogger('silent'),
    })
    const published = await withRequestId('req-wake', () => dispatcher.dispatchOnce())
    expect(published).toBeGreaterThan(0)
    const [dispatch] = named('outbox dispatch')
    expect(dispatch?.attributes['comptoir.outbox.published']).toBe(published)
    expect(dispatch?.attributes[REQUEST_ID_ATTRIBUTE]).toBe('req-wake')
    // The transaction's first statement: kysely's pg driver says START TRANSACTION, PGlite's BEGIN.
    expect(childrenOf(dispatch as ReadableSpan).map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(START|BEGIN)$/), 'UPDATE', 'COMMIT']),
    )
  })
})

describe('/metrics', () => {
  it('shows GraphQL operations, the pool, the backlogs and job runs after some traffic', async () => {
    const metrics = createHttpMetrics({ processMetrics: false })
    const api = createTestApp(testDb, { env: { METRICS_TOKEN }, metrics })
    await api.gql('query Listing { products(first: 1) { edges { node { title } } } }')
    await api.gql('query Broken { products(first: 1) { nope } }')
    await api.gql(CART_CREATE, { input: { channel: 'WEB', lines: [{ variantId, quantity: 1 }] } })
    await createScheduler({
      db: testDb.db,
      logger: createLogger('silent'),
      jobs: [
        { name: 'fine', intervalMs: 1000, run: async () => ({ affected: 0 }) },
        { name: 'broken', intervalMs: 1000, run: async () => Promise.reject(new Error('boom')) },
      ],
      onOutcome: (job, outcome) => metrics.jobRuns.inc({ job, outcome }),
    })
      .runOnce()
      .catch(() => {})
    const response = await api.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    const text = await response.text()
    expect(text).toContain('comptoir_graphql_operations_total{type="query",name="Listing",outcome="ok"} 1')
    expect(text).toContain('comptoir_graphql_operations_total{type="query",name="Broken",outcome="invalid"} 1')
    expect(text).toContain('comptoir_graphql_operations_total{type="mutation",name="CartCreate",outcome="ok"} 1')
    expect(text).toMatch(/^comptoir_db_pool_connections_in_use \d+$/m)
    expect(text).toMatch(/^comptoir_db_pool_waiting 0$/m)
    // The cart's event waits for a dispatcher that this app does not run.
    expect(Number(/^comptoir_outbox_backlog (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0)
    expect(Number(/^comptoir_outbox_lag_seconds ([\d.e-]+)$/m.exec(text)?.[1])).toBeGreaterThan(0)
    expect(text).toMatch(/^comptoir_notification_backlog \d+$/m)
    expect(text).toContain('comptoir_job_runs_total{job="fine",outcome="completed"} 1')
    expect(text).toContain('comptoir_job_runs_total{job="broken",outcome="failed"} 1')
  })
})

function rawVariantId(id: string): string {
  return Buffer.from(id, 'base64').toString().split(':').pop() ?? id
}
