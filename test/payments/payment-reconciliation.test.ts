import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startBackgroundWork } from '../../src/background.js'
import { loadConfig } from '../../src/config.js'
import { inTransaction } from '../../src/db/transaction.js'
import { createHttpMetrics } from '../../src/http/metrics.js'
import { createLogger } from '../../src/logger.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import {
  paymentReconciliationJob,
  type ReconciliationFindings,
} from '../../src/modules/payments/payment-reconciliation.job.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { CHECKOUT, type CheckoutResult, firstSlot, staffMutation, stockedStore } from '../fixtures/orders.js'
import type { FakeStripe } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp, WEBHOOK_SECRET } from '../helpers/stripe-test-app.js'
import { type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let app: StripeTestApp
let fake: FakeStripe
let api: TestApp
let store: { id: string; gid: string }
let variant: { id: string; gid: string }
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  ;({ api, fake } = app)
  const stocked = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  store = { id: stocked.storeId, gid: stocked.storeGid }
  variant = { id: stocked.variantId, gid: stocked.variantGid }
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await app.close()
  await testDb.destroy()
})

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

/** An online order for `quantity` units, authorised at Stripe and recorded so. */
async function authorisedOrder(quantity: number) {
  const { cart, cartToken } = await createCart(api, { channel: 'APP', lines: [{ variantId: variant.gid, quantity }] })
  const input = {
    cartId: cart.id,
    storeId: store.gid,
    pickupSlotStart: await firstSlot(api, store.gid),
    paymentMode: 'ONLINE',
    idempotencyKey: `reconcile-${cart.id.slice(-12)}`,
  }
  const placed = await api.gql<{ checkoutPlaceOrder: CheckoutResult }>(
    CHECKOUT,
    { input },
    { headers: cartHeaders(cartToken) },
  )
  const order = placed.data!.checkoutPlaceOrder.order!
  const payment = await paymentOf(rawId(order.id))
  await app.deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
  return { orderGid: order.id, orderId: rawId(order.id), pickupPass: order.pickupPass!, ref: payment.provider_ref! }
}

function paymentOf(orderId: string) {
  return testDb.db.selectFrom('payment').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow()
}

async function reconcile() {
  const found: ReconciliationFindings[] = []
  const job = paymentReconciliationJob({
    provider: app.stripe,
    logger: createLogger('silent'),
    onFindings: (findings) => found.push(findings),
  })
  // Later than every payment's webhook grace (rows carry the database clock, not the pinned one).
  const result = await inTransaction(testDb.db, (trx) => job.run(trx, new Date(Date.now() + 10 * 60_000)))
  return { result, found: found[0]! }
}

const refundedOn = (ref: string) => [...fake.refunds.values()].filter((refund) => refund.payment_intent === ref)

describe('payment reconciliation', () => {
  it('refunds money captured on an order that ended cancelled, once, and counts it', async () => {
    const order = await authorisedOrder(1)
    // Captured (say from the dashboard) and recorded, then the order is cancelled and its refund fails.
    const captured = await app.stripe.capture(order.ref, (await paymentOf(order.orderId)).amount_minor, 'dash-capture')
    await app.deliver('payment_intent.succeeded', fake.intents.get(captured.providerRef)!)
    expect(await paymentOf(order.orderId)).toMatchObject({ status: 'CAPTURED' })
    fake.failNext(1, 503)
    const cancel = await staffMutation(api, manager)('orderCancel', { orderId: order.orderGid, reason: 'damaged' })
    expect(cancel.data!.orderCancel!.userErrors).toEqual([])
    expect(refundedOn(order.ref)).toEqual([])

    const first = await reconcile()
    const payment = await paymentOf(order.orderId)
    expect(payment).toMatchObject({ status: 'REFUNDED', refunded_minor: payment.captured_minor })
    expect(refundedOn(order.ref).map((refund) => refund.amount)).toEqual([payment.captured_minor])
    expect(first.found.capturedOnClosedOrder).toBe(1)
    const again = await reconcile()
    expect(again.found.capturedOnClosedOrder).toBe(0)
    expect(refundedOn(order.ref)).toHaveLength(1)
  })

  it('retries the card refund of a return that failed, and leaves it alone once made', async () => {
    const order = await authorisedOrder(2)
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId: order.orderGid })
    await run('orderMarkReady', { orderId: order.orderGid })
    expect(
      (await run('orderCollect', { orderId: order.orderGid, pickupPass: order.pickupPass })).data!.orderCollect!
        .userErrors,
    ).toEqual([])
    const { sku } = await testDb.db
      .selectFrom('variant')
      .select('sku')
      .where('id', '=', variant.id)
      .executeTakeFirstOrThrow()
    fake.failNext(1, 503) // the refund right after the return fails
    const returned = await run('posReturnCreate', {
      orderId: order.orderGid,
      lines: [{ sku, quantity: 1 }],
      refundTo: 'ORIGINAL',
    })
    expect(returned.data!.posReturnCreate!.userErrors).toEqual([])
    const refundStatus = async () =>
      (
        await testDb.db
          .selectFrom('order_return')
          .select('refund_status')
          .where('order_id', '=', order.orderId)
          .executeTakeFirstOrThrow()
      ).refund_status
    expect(await refundStatus()).toBe('FAILED')
    expect(refundedOn(order.ref)).toEqual([])

    const first = await reconcile()
    expect(await refundStatus()).toBe('REFUNDED')
    const unit = (await paymentOf(order.orderId)).captured_minor / 2
    expect(refundedOn(order.ref).map((refund) => refund.amount)).toEqual([unit])
    expect(await paymentOf(order.orderId)).toMatchObject({ status: 'CAPTURED', refunded_minor: unit })
    expect(first.found.returnRefundDue).toBe(1)
    expect((await reconcile()).found.returnRefundDue).toBe(0)
    expect(refundedOn(order.ref)).toHaveLength(1)
  })

  it('reaches /metrics from the server’s background work', async () => {
    const order = await authorisedOrder(1)
    const captured = await app.stripe.capture(order.ref, (await paymentOf(order.orderId)).amount_minor, 'dash-2')
    await app.deliver('payment_intent.succeeded', fake.intents.get(captured.providerRef)!)
    fake.failNext(1, 503)
    await staffMutation(api, manager)('orderCancel', { orderId: order.orderGid, reason: 'damaged' })
    const metrics = createHttpMetrics({ processMetrics: false })
    const background = startBackgroundWork({
      config: loadConfig({ NODE_ENV: 'test' }),
      db: testDb.db,
      logger: createLogger('silent'),
      pubsub: createAppPubSub(),
      payments: { online: app.stripe, stripe: { client: app.stripe.client, webhookSecret: WEBHOOK_SECRET } },
      metrics,
      webhookSecrets: testWebhookSecrets,
    })
    try {
      // The scheduler runs every job once at start.
      await vi.waitFor(async () => expect((await paymentOf(order.orderId)).status).toBe('REFUNDED'), {
        timeout: 10_000,
      })
      await vi.waitFor(async () =>
        expect(await metrics.registry.metrics()).toContain(
          'comptoir_payment_reconciliation_findings_total{finding="capturedOnClosedOrder"} 1',
        ),
      )
    } finally {
      await background.stop()
    }
  })
})
