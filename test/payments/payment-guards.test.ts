import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { findOrderViews } from '../../src/modules/orders/order.service.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
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

/** An online order authorised at Stripe, prepared and ready on the counter. */
async function readyOnlineOrder(key: string) {
  const send = await onlineCheckoutInput(key)
  const placed = (await send()).data!.checkoutPlaceOrder
  const orderGid = placed.order!.id
  const orderId = rawId(orderGid)
  const [payment] = await paymentsOf(orderId)
  await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment!.provider_ref!))
  const run = staffMutation(api, manager)
  await run('orderStartPreparing', { orderId: orderGid })
  await run('orderMarkReady', { orderId: orderGid })
  return { orderGid, orderId, pickupPass: placed.order!.pickupPass!, providerRef: payment!.provider_ref! }
}

async function orderRow(orderId: string) {
  return testDb.db.selectFrom('sales_order').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow()
}

const capturesOf = (providerRef: string) =>
  fake.requests.filter((request) => request.path === `/v1/payment_intents/${providerRef}/capture`).length

const collect = (orderGid: string, pickupPass: string) =>
  staffMutation(api, manager)('orderCollect', { orderId: orderGid, pickupPass })

const codesOf = (response: Awaited<ReturnType<typeof collect>>) =>
  response.data!.orderCollect!.userErrors.map((error) => error.code)

describe('handing over an online order', () => {
  it('refuses, changing nothing, when the order holds no authorised payment the processor knows', async () => {
    const lost = await readyOnlineOrder('no-payment-1')
    await testDb.db.deleteFrom('payment').where('order_id', '=', lost.orderId).execute()
    const refunded = await readyOnlineOrder('no-payment-2')
    await testDb.db
      .updateTable('payment')
      .set({ status: 'REFUNDED' })
      .where('order_id', '=', refunded.orderId)
      .execute()
    const unknown = await readyOnlineOrder('no-payment-3')
    await testDb.db.updateTable('payment').set({ provider_ref: null }).where('order_id', '=', unknown.orderId).execute()

    for (const order of [lost, refunded, unknown]) {
      const response = await collect(order.orderGid, order.pickupPass)
      expect(codesOf(response)).toEqual(['PAYMENT_NOT_AUTHORIZED'])
      expect(await orderRow(order.orderId)).toMatchObject({ status: 'READY_FOR_PICKUP', collected_at: null })
      const movements = await testDb.db
        .selectFrom('stock_movement')
        .select('reason')
        .where('order_id', '=', order.orderId)
        .where('reason', '=', 'COLLECTED')
        .execute()
      expect(movements).toEqual([])
      expect(capturesOf(order.providerRef)).toBe(0)
      expect(
        await testDb.db.selectFrom('order_handover_claim').where('order_id', '=', order.orderId).execute(),
      ).toEqual([])
    }
  })

  it('captures once when two associates collect the same order at the same moment', async () => {
    const order = await readyOnlineOrder('two-collects-1')
    const responses = await Promise.all([
      collect(order.orderGid, order.pickupPass),
      collect(order.orderGid, order.pickupPass),
    ])
    const codes = responses.map(codesOf).sort((a, b) => a.length - b.length)
    expect(codes[0]).toEqual([])
    expect(['HANDOVER_IN_PROGRESS', 'INVALID_TRANSITION']).toContain(codes[1]![0])
    expect(capturesOf(order.providerRef)).toBe(1)
    expect(await orderRow(order.orderId)).toMatchObject({ status: 'COLLECTED' })
    const [payment] = await paymentsOf(order.orderId)
    expect(payment).toMatchObject({ status: 'CAPTURED', captured_minor: (await orderRow(order.orderId)).total_minor })
  })

  it('makes a second collect wait while the first one’s capture is in flight: one capture request', async () => {
    const order = await readyOnlineOrder('overlapping-collects-1')
    fake.stallNext(1) // the first capture gets no answer until the client's timeout
    const first = collect(order.orderGid, order.pickupPass)
    await vi.waitFor(() => expect(capturesOf(order.providerRef)).toBe(1))
    expect(codesOf(await collect(order.orderGid, order.pickupPass))).toEqual(['HANDOVER_IN_PROGRESS'])
    expect(capturesOf(order.providerRef)).toBe(1)
    expect(codesOf(await first)).toEqual(['PAYMENT_UNAVAILABLE'])
  })

  it('holds the hand-over while the capture is in flight: a cancellation and the expiry timer wait, a failed capture undoes the claim', async () => {
    const order = await readyOnlineOrder('slow-capture-1')
    fake.stallNext(1) // the capture gets no answer until the client's timeout
    const collecting = collect(order.orderGid, order.pickupPass)
    await vi.waitFor(() => expect(capturesOf(order.providerRef)).toBe(1))

    const cancel = await staffMutation(api, manager)('orderCancel', { orderId: order.orderGid, reason: 'no-show' })
    expect(cancel.data!.orderCancel!.userErrors.map((error) => error.code)).toEqual(['HANDOVER_IN_PROGRESS'])
    await testDb.db
      .updateTable('sales_order')
      .set({ hold_until: new Date(NOW.getTime() - 60_000) })
      .where('id', '=', order.orderId)
      .execute()
    await inTransaction(testDb.db, (trx) => orderTimersJob({ reminderLeadMinutes: 0 }).run(trx, NOW))
    expect(await orderRow(order.orderId)).toMatchObject({ status: 'READY_FOR_PICKUP' })

    // The capture times out: nothing was taken, the claim is gone, the authorisation still stands.
    expect(codesOf(await collecting)).toEqual(['PAYMENT_UNAVAILABLE'])
    expect(await testDb.db.selectFrom('order_handover_claim').where('order_id', '=', order.orderId).execute()).toEqual(
      [],
    )
    expect((await paymentsOf(order.orderId))[0]).toMatchObject({ status: 'AUTHORIZED' })
    expect(codesOf(await collect(order.orderGid, order.pickupPass))).toEqual([])
    expect(await orderRow(order.orderId)).toMatchObject({ status: 'COLLECTED' })
  })
})
