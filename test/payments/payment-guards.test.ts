import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findOrderViews } from '../../src/modules/orders/order.service.js'
import { ensureOnlineAuthorization } from '../../src/modules/payments/payment.service.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { CHECKOUT, type CheckoutResult, firstSlot, staffMutation, stockedStore } from '../fixtures/orders.js'
import type { FakeStripe } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let app: StripeTestApp
let fake: FakeStripe
let api: TestApp
let deliver: StripeTestApp['deliver']
let store: { id: string; gid: string }
let variant: { id: string; gid: string }
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  ;({ api, fake, deliver } = app)
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
type Placed = CheckoutResult & { payment: { clientSecret: string | null } | null }

async function onlineCheckoutInput(idempotencyKey: string) {
  const { cart, cartToken } = await createCart(api, {
    channel: 'APP',
    lines: [{ variantId: variant.gid, quantity: 1 }],
  })
  const input = {
    cartId: cart.id,
    storeId: store.gid,
    pickupSlotStart: await firstSlot(api, store.gid),
    paymentMode: 'ONLINE',
    idempotencyKey,
  }
  return () => api.gql<{ checkoutPlaceOrder: Placed }>(CHECKOUT, { input }, { headers: cartHeaders(cartToken) })
}

function paymentsOf(orderId: string) {
  return testDb.db.selectFrom('payment').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute()
}

const intentsOf = (orderId: string) => [...fake.intents.values()].filter((i) => i.metadata.order_id === orderId)

describe('an online checkout retried in parallel', () => {
  it('creates one payment row and one PaymentIntent, and every retry gets the same client secret', async () => {
    const send = await onlineCheckoutInput('parallel-retries-1')
    // The order committed but its payment was never started (the process died in between, say):
    // the shopper's app then retries from several tabs at once.
    fake.failNext(1, 503)
    const placed = (await send()).data!.checkoutPlaceOrder
    expect(placed.userErrors.map((e) => e.code)).toEqual(['PAYMENT_UNAVAILABLE'])
    await testDb.db.deleteFrom('payment').where('order_id', '=', rawId(placed.order!.id)).execute()
    const results = await Promise.all(Array.from({ length: 12 }, () => send()))
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([])
    const payloads = results.map((result) => result.data!.checkoutPlaceOrder)
    expect(payloads.map((payload) => payload.userErrors)).toEqual(payloads.map(() => []))
    const orderIds = new Set(payloads.map((payload) => payload.order!.id))
    expect(orderIds.size).toBe(1)
    const orderId = rawId([...orderIds][0]!)
    expect(new Set(payloads.map((payload) => payload.payment?.clientSecret)).size).toBe(1)
    expect(await paymentsOf(orderId)).toHaveLength(1)
    expect(intentsOf(orderId)).toHaveLength(1)
  })

  it('starts one authorisation when the payment start after the commit runs many times at once', async () => {
    const send = await onlineCheckoutInput('parallel-starts-1')
    fake.failNext(1, 503)
    const orderId = rawId((await send()).data!.checkoutPlaceOrder.order!.id)
    // As right after the checkout's commit: the order waits for a payment that was never started.
    await testDb.db.deleteFrom('payment').where('order_id', '=', orderId).execute()
    const [order] = await findOrderViews(testDb.db, [orderId])
    const starts = await Promise.allSettled(
      Array.from({ length: 12 }, () => ensureOnlineAuthorization(testDb.db, app.stripe, order!, NOW)),
    )
    expect(starts.filter((start) => start.status === 'rejected')).toEqual([])
    const secrets = starts.map((start) => (start.status === 'fulfilled' ? start.value.clientSecret : null))
    expect(new Set(secrets).size).toBe(1)
    expect(await paymentsOf(orderId)).toHaveLength(1)
    expect(intentsOf(orderId)).toHaveLength(1)
  })

  it('refuses a second live payment row for an order and provider at the database', async () => {
    const send = await onlineCheckoutInput('second-live-row')
    const orderId = rawId((await send()).data!.checkoutPlaceOrder.order!.id)
    const [payment] = await paymentsOf(orderId)
    const duplicate = testDb.db
      .insertInto('payment')
      .values({ order_id: orderId, provider: 'STRIPE', status: 'PENDING', amount_minor: 1, currency_code: 'EUR' })
      .execute()
    await expect(duplicate).rejects.toThrow(/payment_one_live_per_order_provider/)
    // An ended payment (voided) may sit beside the live one.
    await testDb.db
      .insertInto('payment')
      .values({ order_id: orderId, provider: 'STRIPE', status: 'VOIDED', amount_minor: 1, currency_code: 'EUR' })
      .execute()
    expect((await paymentsOf(orderId)).map((row) => row.id)).toContain(payment!.id)
  })
})
