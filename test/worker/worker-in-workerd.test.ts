import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newWebhookSecret } from '../../src/modules/webhooks/webhook-signature.js'
import { CART_FIELDS, type CartShape, cartHeaders } from '../fixtures/carts.js'
import { rawId, readyOrder } from '../fixtures/notifications.js'
import { placeOrder, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { testServerUrl } from '../helpers/database-url.js'
import { type FakeStripe, intentEvent, signWebhook, startFakeStripe } from '../helpers/fake-stripe.js'
import { WEBHOOK_SECRET } from '../helpers/stripe-test-app.js'
import { TEST_JWT_SECRET, TEST_WEBHOOK_SECRETS_KEY, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { buildWorker, startWorkerd, type WorkerdWorker } from '../helpers/workerd.js'
import { startReceiver } from '../webhooks/receiver.js'
import { signatureIsValid } from '../webhooks/webhook-harness.js'

// The built worker (wrangler's bundle) in workerd, on a fresh migrated and seeded PostgreSQL
// database reached through its Hyperdrive binding, paying through a fake Stripe on loopback.
describe.skipIf(!testServerUrl())('the Cloudflare worker, run in workerd', () => {
  let testDb: TestDb
  let fake: FakeStripe
  let worker: WorkerdWorker
  let removeBuild: () => Promise<void>
  let store: StockedStore
  const signer = new Stripe('sk_test_comptoir')

  beforeAll(async () => {
    const [build, db, stripe] = await Promise.all([
      buildWorker(),
      createTestDb(),
      startFakeStripe({ defaultOutcome: 'requires_payment_method' }),
    ])
    removeBuild = build.remove
    testDb = db
    fake = stripe
    store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 10, slotCapacity: 50 })
    worker = await startWorkerd({
      script: build.script,
      databaseUrl: testDb.url ?? '',
      bindings: {
        NODE_ENV: 'production',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
        JWT_SECRET: TEST_JWT_SECRET,
        WEBHOOK_SECRETS_KEY: TEST_WEBHOOK_SECRETS_KEY,
        STRIPE_SECRET_KEY: 'sk_test_comptoir',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE: `http://${fake.host}:${fake.port}`,
        LIVE_UPDATES_URL: 'https://live.comptoir.example',
      },
    })
  }, 60_000)
  afterAll(async () => {
    await worker?.close()
    await fake?.close()
    await testDb?.destroy()
    await removeBuild?.()
  })

  const level = () =>
    testDb.db
      .selectFrom('inventory_level')
      .select(['on_hand', 'reserved'])
      .where('store_id', '=', store.storeId)
      .where('variant_id', '=', store.variantId)
      .executeTakeFirstOrThrow()
  const orderRow = (id: string) =>
    testDb.db.selectFrom('sales_order').select(['status']).where('id', '=', id).executeTakeFirstOrThrow()

  it('answers health and readiness on the database behind Hyperdrive', async () => {
    expect((await worker.fetch('/healthz')).status).toBe(200)
    const ready = await worker.fetch('/readyz')
    expect(ready.status).toBe(200)
  })

  it('browses the catalog with the standard executor (graphql-jit would need eval)', async () => {
    const result = await worker.gql<{
      products: { edges: { node: { title: string; variants: { sku: string }[] } }[] }
    }>('{ products(first: 3) { edges { node { title variants { sku price { amountMinor currencyCode } } } } } }')
    expect(result.errors).toBeUndefined()
    expect(result.data?.products.edges).toHaveLength(3)
    expect(result.data?.products.edges[0]?.node.variants.length).toBeGreaterThan(0)
  })

  it('fills a cart and checks it out at pickup, to be paid at the counter', async () => {
    const before = await level()
    const { result, cart, cartToken } = await placeOrder(worker, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 2 }],
      email: 'worker.pickup@example.com',
    })
    expect(cart.lines).toEqual([expect.objectContaining({ quantity: 2 })])
    expect(result.userErrors).toEqual([])
    expect(result.order).toMatchObject({ status: 'PLACED', paymentMode: 'AT_PICKUP', store: { code: 'PAR-RIVOLI' } })
    expect(result.pickupCode).toMatch(/\S/)
    expect(await level()).toEqual({ on_hand: before.on_hand, reserved: before.reserved + 2 })
    const read = await worker.gql<{ cart: CartShape }>(
      `query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`,
      { id: cart.id },
      { headers: cartHeaders(cartToken) },
    )
    expect(read.data?.cart.status).toBe('CHECKED_OUT')
  })

  it('authorises an online payment through Stripe and takes its signed webhook', async () => {
    const { result } = await placeOrder(worker, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
      paymentMode: 'ONLINE',
      email: 'worker.online@example.com',
    })
    expect(result.userErrors).toEqual([])
    const intent = [...fake.intents.values()].at(-1)
    const orderId = intent?.metadata.order_id ?? ''
    expect((await orderRow(orderId)).status).toBe('PENDING_PAYMENT')

    const event = intentEvent('payment_intent.amount_capturable_updated', fake.confirm(intent?.id ?? ''))
    const { body, signature } = signWebhook(signer, event, WEBHOOK_SECRET)
    const deliver = (text: string, header: string) =>
      worker.fetch('/webhooks/stripe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: text,
      })

    const forged = await deliver(body.replace(`"${intent?.id}"`, '"pi_forged"'), signature)
    expect(forged.status).toBe(400)
    expect((await orderRow(orderId)).status).toBe('PENDING_PAYMENT')

    const delivered = await deliver(body, signature)
    expect(delivered.status).toBe(200)
    expect(await delivered.json()).toEqual({ received: true, duplicate: false })
    expect((await orderRow(orderId)).status).toBe('PLACED')
    const payment = await testDb.db
      .selectFrom('payment')
      .select(['status', 'provider_ref'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(payment).toEqual({ status: 'AUTHORIZED', provider_ref: intent?.id })

    const again = await deliver(body, signature)
    expect(await again.json()).toEqual({ received: true, duplicate: true })
  })

  it('answers a subscription with an error naming the Node deployment', async () => {
    const response = await worker.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { orderUpdated(orderId: $id) { status } }',
        variables: { id: 'T3JkZXI6eA==' },
      }),
    })
    const text = await response.text()
    const data = text.split('\n').find((line) => line.startsWith('data: {'))
    expect(JSON.parse(data?.slice('data: '.length) ?? '{}')).toEqual({
      errors: [
        {
          message:
            'Subscriptions are not served on Cloudflare Workers: open live screens on the Node deployment at https://live.comptoir.example.',
          extensions: { code: 'SUBSCRIPTIONS_UNAVAILABLE', nodeUrl: 'https://live.comptoir.example' },
        },
      ],
    })
  })

  it('on a cron tick, runs the order timers, publishes the outbox, sends the notifications and the webhooks', async () => {
    // Registered before sealing existed, so kept in clear: the tick seals it, then signs with it.
    const receiver = await startReceiver()
    const webhookSecret = newWebhookSecret()
    const endpoint = await testDb.db
      .insertInto('webhook_endpoint')
      .values({ url: receiver.url('/erp'), events: ['order.cancelled'], description: 'ERP', secret: webhookSecret })
      .returning('id')
      .executeTakeFirstOrThrow()
    const signIn = await worker.gql<{ staffSignIn: { accessToken: string } }>(
      'mutation { staffSignIn(input: { email: "manager.par-rivoli@comptoir.dev", password: "comptoir-staff" }) { accessToken } }',
    )
    const manager = signIn.data?.staffSignIn.accessToken ?? ''
    expect(manager).not.toBe('')
    const ready = await readyOrder(worker, manager, {
      storeGid: store.storeGid,
      variantGid: store.variantGid,
      email: 'worker.ready@example.com',
    })
    const unpaid = await placeOrder(worker, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
      paymentMode: 'ONLINE',
      email: 'worker.unpaid@example.com',
    })
    expect(unpaid.result.userErrors).toEqual([])
    const unpaidId = [...fake.intents.values()].at(-1)?.metadata.order_id ?? ''
    await testDb.db
      .updateTable('sales_order')
      .set({ payment_due_at: new Date(Date.now() - 60_000) })
      .where('id', '=', unpaidId)
      .execute()
    const unpublished = () =>
      testDb.db
        .selectFrom('outbox_event')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow()
    expect(Number((await unpublished()).count)).toBeGreaterThan(0)

    expect(await worker.scheduled(new Date())).toMatchObject({ outcome: 'ok' })

    expect((await orderRow(unpaidId)).status).toBe('CANCELLED')
    expect(Number((await unpublished()).count)).toBe(0)
    const notification = await testDb.db
      .selectFrom('notification')
      .select(['status', 'recipient'])
      .where('order_id', '=', rawId(ready.gid))
      .executeTakeFirstOrThrow()
    expect(notification).toEqual({ status: 'SENT', recipient: 'worker.ready@example.com' })

    const stored = await testDb.db
      .selectFrom('webhook_endpoint')
      .select('secret')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow()
    expect(stored.secret.startsWith(await testWebhookSecrets.currentPrefix())).toBe(true)
    expect(await testWebhookSecrets.open(stored.secret)).toBe(webhookSecret)
    const cancelled = receiver.received.filter((hook) => hook.path === '/erp')
    await receiver.close()
    expect(cancelled.map((hook) => JSON.parse(hook.body).type)).toEqual(['order.cancelled'])
    expect(signatureIsValid(webhookSecret, cancelled[0]!)).toBe(true)
  })
})
