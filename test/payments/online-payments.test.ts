import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { paymentReconciliationJob } from '../../src/modules/payments/payment-reconciliation.job.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { CHECKOUT, type CheckoutResult, firstSlot, staffMutation, stockedStore } from '../fixtures/orders.js'
import { type FakeStripe, intentEvent, signWebhook } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp, WEBHOOK_SECRET } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let fake: FakeStripe
let api: TestApp
let stripe: StripeTestApp['stripe']
let app: StripeTestApp
let deliver: StripeTestApp['deliver']
let store: { id: string; gid: string }
let variant: { id: string; gid: string }
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  ;({ api, fake, stripe, deliver } = app)
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

async function onlineCheckout(quantity = 1, idempotencyKey = `online-${Math.random().toString(36).slice(2)}`) {
  const { cart, cartToken } = await createCart(api, { channel: 'APP', lines: [{ variantId: variant.gid, quantity }] })
  const input = {
    cartId: cart.id,
    storeId: store.gid,
    pickupSlotStart: await firstSlot(api, store.gid),
    paymentMode: 'ONLINE',
    idempotencyKey,
  }
  const send = async () => {
    const result = await api.gql<{
      checkoutPlaceOrder: CheckoutResult & { payment: { clientSecret: string | null } | null }
    }>(CHECKOUT, { input }, { headers: cartHeaders(cartToken) })
    return result.data!.checkoutPlaceOrder
  }
  return { first: await send(), retry: send }
}

async function orderState(orderGid: string) {
  const order = await testDb.db
    .selectFrom('sales_order')
    .select(['status', 'total_minor'])
    .where('id', '=', rawId(orderGid))
    .executeTakeFirstOrThrow()
  const payment = await testDb.db
    .selectFrom('payment')
    .selectAll()
    .where('order_id', '=', rawId(orderGid))
    .executeTakeFirstOrThrow()
  return { order, payment }
}

const intentOf = (ref: string) => {
  const intent = fake.intents.get(ref)
  if (!intent) throw new Error(`no fake intent ${ref}`)
  return intent
}

describe('online payment with Stripe', () => {
  it('creates a manual-capture intent after checkout and waits; the webhook moves the order to the store', async () => {
    const { first } = await onlineCheckout()
    expect(first.userErrors).toEqual([])
    expect(first.payment?.clientSecret).toMatch(/^pi_.+_secret_/)
    const { order, payment } = await orderState(first.order!.id)
    expect(order.status).toBe('PENDING_PAYMENT')
    expect(payment).toMatchObject({ provider: 'STRIPE', status: 'REQUIRES_ACTION', amount_minor: order.total_minor })
    const intent = intentOf(payment.provider_ref!)
    expect(intent).toMatchObject({
      capture_method: 'manual',
      metadata: { order_id: rawId(first.order!.id), payment_id: payment.id },
    })
    const create = fake.requests.find((request) => request.path === '/v1/payment_intents' && request.method === 'POST')
    expect(create?.idempotencyKey).toBe(`order-${rawId(first.order!.id)}-authorize`)

    const authorised = fake.confirm(intent.id)
    const response = await deliver('payment_intent.amount_capturable_updated', authorised, 'evt_auth_1')
    expect(response.status).toBe(200)
    expect((await orderState(first.order!.id)).order.status).toBe('PLACED')
    expect((await orderState(first.order!.id)).payment.status).toBe('AUTHORIZED')
    // The same event again: answered, and nothing happens twice.
    const replay = await deliver('payment_intent.amount_capturable_updated', authorised, 'evt_auth_1')
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ duplicate: true })
    const history = await testDb.db
      .selectFrom('order_status_change')
      .select('status')
      .where('order_id', '=', rawId(first.order!.id))
      .execute()
    expect(history.map((entry) => entry.status)).toEqual(['PENDING_PAYMENT', 'PLACED'])
  })

  it('refuses a bad signature with 400 and changes nothing', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    const authorised = fake.confirm(payment.provider_ref!)
    const { body } = signWebhook(
      await stripe.client(),
      intentEvent('payment_intent.amount_capturable_updated', authorised),
      WEBHOOK_SECRET,
    )
    const forged = signWebhook(
      await stripe.client(),
      intentEvent('payment_intent.amount_capturable_updated', authorised),
      'whsec_wrong',
    )
    const response = await api.app.request('/webhooks/stripe', {
      method: 'POST',
      headers: { 'stripe-signature': forged.signature },
      body,
    })
    expect(response.status).toBe(400)
    expect((await orderState(first.order!.id)).order.status).toBe('PENDING_PAYMENT')
  })

  it('is right whatever the order of events, and asks Stripe to retry an event that comes before the payment exists', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    const authorised = fake.confirm(payment.provider_ref!)
    const captured = { ...authorised, status: 'succeeded', amount_received: authorised.amount, amount_capturable: 0 }
    expect((await deliver('payment_intent.succeeded', captured)).status).toBe(200)
    expect((await deliver('payment_intent.amount_capturable_updated', authorised)).status).toBe(200)
    const after = await orderState(first.order!.id)
    expect(after.payment.status).toBe('CAPTURED')
    expect(after.order.status).toBe('PLACED')

    const early = {
      ...authorised,
      id: 'pi_not_yet',
      metadata: { order_id: 'x', payment_id: '00000000-0000-4000-8000-000000000000' },
    }
    const tooSoon = await deliver('payment_intent.amount_capturable_updated', early, 'evt_early')
    expect(tooSoon.status).toBe(503)
    expect(await testDb.db.selectFrom('stripe_event').select('id').where('id', '=', 'evt_early').execute()).toEqual([])
  })

  it('keeps a declined order waiting (the shopper may retry) and cancels it when the intent is cancelled', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    const intent = intentOf(payment.provider_ref!)
    const declined = {
      ...intent,
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', message: 'declined' },
    }
    expect((await deliver('payment_intent.payment_failed', declined)).status).toBe(200)
    expect(await orderState(first.order!.id)).toMatchObject({
      order: { status: 'PENDING_PAYMENT' },
      payment: { status: 'FAILED' },
    })
    const before = await testDb.db
      .selectFrom('inventory_level')
      .select('reserved')
      .where('store_id', '=', store.id)
      .where('variant_id', '=', variant.id)
      .executeTakeFirstOrThrow()
    expect((await deliver('payment_intent.canceled', { ...intent, status: 'canceled' })).status).toBe(200)
    expect(await orderState(first.order!.id)).toMatchObject({
      order: { status: 'CANCELLED' },
      payment: { status: 'VOIDED' },
    })
    const after = await testDb.db
      .selectFrom('inventory_level')
      .select('reserved')
      .where('store_id', '=', store.id)
      .where('variant_id', '=', variant.id)
      .executeTakeFirstOrThrow()
    expect(after.reserved).toBe(before.reserved - 1)
  })

  it('survives a Stripe outage at checkout: a clear error, the order held, and the same key retries', async () => {
    fake.failNext(1, 503)
    const { first, retry } = await onlineCheckout(1, 'outage-key-1')
    expect(first.userErrors.map((e) => e.code)).toEqual(['PAYMENT_UNAVAILABLE'])
    expect((await orderState(first.order!.id)).order.status).toBe('PENDING_PAYMENT')
    const again = await retry()
    expect(again.userErrors).toEqual([])
    expect(again.order!.id).toBe(first.order!.id)
    expect(again.payment?.clientSecret).toMatch(/_secret_/)
    expect(
      await testDb.db.selectFrom('payment').select('id').where('order_id', '=', rawId(first.order!.id)).execute(),
    ).toHaveLength(1)
  })

  it('captures the final amount at collection, lower when a unit was missing', async () => {
    const { first } = await onlineCheckout(3)
    const orderId = first.order!.id
    const { payment } = await orderState(orderId)
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId })
    const sku = (
      await testDb.db.selectFrom('variant').select('sku').where('id', '=', variant.id).executeTakeFirstOrThrow()
    ).sku
    await run('orderMarkReady', { orderId, missing: [{ sku, quantity: 1 }] })
    const collected = await run('orderCollect', { orderId, pickupPass: first.order!.pickupPass })
    expect(collected.data!.orderCollect!.userErrors).toEqual([])
    const after = await orderState(orderId)
    expect(after.order.status).toBe('COLLECTED')
    expect(intentOf(payment.provider_ref!).amount_received).toBe(after.order.total_minor)
    expect(after.payment).toMatchObject({ status: 'CAPTURED', captured_minor: after.order.total_minor })
    expect(after.order.total_minor).toBe((payment.amount_minor / 3) * 2)
  })

  it('voids the authorisation when an authorised order is cancelled', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
    const cancelled = await api.gql<{ orderCancel: { userErrors: unknown[] } }>(
      'mutation($input: OrderCancelInput!) { orderCancel(input: $input) { userErrors { code } } }',
      { input: { orderId: first.order!.id, reason: 'out of stock on the shelf' } },
      { token: manager },
    )
    expect(cancelled.data!.orderCancel.userErrors).toEqual([])
    expect(intentOf(payment.provider_ref!).status).toBe('canceled')
    expect((await orderState(first.order!.id)).payment.status).toBe('VOIDED')
  })

  it('reconciliation settles an order whose webhook never came, and voids what a cancelled order still holds', async () => {
    const job = paymentReconciliationJob({ provider: stripe, logger: createLogger('silent') })
    const runAt = (at: Date) => inTransaction(testDb.db, (trx) => job.run(trx, at))

    const { first: lost } = await onlineCheckout()
    const lostPayment = (await orderState(lost.order!.id)).payment
    fake.confirm(lostPayment.provider_ref!) // authorised at Stripe; the webhook is lost
    const { first: cancelled } = await onlineCheckout()
    const held = (await orderState(cancelled.order!.id)).payment
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(held.provider_ref!))
    fake.failNext(1, 503) // the void after cancellation fails
    await api.gql(
      'mutation($input: OrderCancelInput!) { orderCancel(input: $input) { userErrors { code } } }',
      { input: { orderId: cancelled.order!.id } },
      { token: manager },
    )
    expect((await orderState(cancelled.order!.id)).payment.status).toBe('AUTHORIZED')

    const later = new Date(Date.now() + 10 * 60_000)
    const result = await runAt(later)
    expect(result.details).toMatchObject({ mismatches: 0 })
    expect(await orderState(lost.order!.id)).toMatchObject({
      order: { status: 'PLACED' },
      payment: { status: 'AUTHORIZED' },
    })
    expect(await orderState(cancelled.order!.id)).toMatchObject({
      order: { status: 'CANCELLED' },
      payment: { status: 'VOIDED' },
    })
    expect(intentOf(held.provider_ref!).status).toBe('canceled')
  })

  it('takes a card at the counter through the store reader, in two steps, and gives the Terminal SDK its token', async () => {
    const { cart, cartToken } = await createCart(api, {
      channel: 'KIOSK',
      lines: [{ variantId: variant.gid, quantity: 1 }],
    })
    const placed = await api.gql<{ checkoutPlaceOrder: CheckoutResult }>(
      CHECKOUT,
      {
        input: {
          cartId: cart.id,
          storeId: store.gid,
          pickupSlotStart: await firstSlot(api, store.gid),
          paymentMode: 'AT_PICKUP',
          idempotencyKey: 'card-present-1',
        },
      },
      { headers: cartHeaders(cartToken) },
    )
    const orderId = placed.data!.checkoutPlaceOrder.order!.id
    const pickupCode = placed.data!.checkoutPlaceOrder.pickupCode
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId })
    await run('orderMarkReady', { orderId })
    // A card is taken only on a reader of the store: one of its tills is paired with it.
    await api.gql(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
      { input: { storeId: store.gid, label: 'Counter', readerId: 'tmr_counter1' } },
      { token: manager },
    )
    const payment = { method: 'CARD_PRESENT', readerId: 'tmr_counter1' }
    const first = await run('orderCollect', { orderId, pickupCode, payment })
    expect(first.data!.orderCollect!.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    const pending = await orderState(orderId)
    expect(pending).toMatchObject({
      order: { status: 'READY_FOR_PICKUP' },
      payment: { provider: 'STRIPE_TERMINAL', status: 'REQUIRES_ACTION' },
    })
    expect(fake.requests.some((r) => r.path === '/v1/terminal/readers/tmr_counter1/process_payment_intent')).toBe(true)

    // The customer taps the card; Stripe reports the authorisation.
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(pending.payment.provider_ref!))
    const second = await run('orderCollect', { orderId, pickupCode, payment })
    expect(second.data!.orderCollect!.userErrors).toEqual([])
    const done = await orderState(orderId)
    expect(done).toMatchObject({
      order: { status: 'COLLECTED' },
      payment: { status: 'CAPTURED', captured_minor: done.order.total_minor },
    })

    const token = await api.gql<{ terminalConnectionTokenCreate: { secret: string } }>(
      'mutation { terminalConnectionTokenCreate { secret } }',
      {},
      { token: manager },
    )
    expect(token.data!.terminalConnectionTokenCreate.secret).toMatch(/^pst_/)
    const anonymous = await api.gql('mutation { terminalConnectionTokenCreate { secret } }')
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('refunds part of a captured card payment when goods are returned', async () => {
    const { first } = await onlineCheckout(2)
    const orderId = first.order!.id
    const { payment } = await orderState(orderId)
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId })
    await run('orderMarkReady', { orderId })
    await run('orderCollect', { orderId, pickupPass: first.order!.pickupPass })
    const sku = (
      await testDb.db.selectFrom('variant').select('sku').where('id', '=', variant.id).executeTakeFirstOrThrow()
    ).sku
    const returned = await run('posReturnCreate', { orderId, lines: [{ sku, quantity: 1 }], refundTo: 'ORIGINAL' })
    expect(returned.data!.posReturnCreate!.userErrors).toEqual([])
    const unit = payment.amount_minor / 2
    expect([...fake.refunds.values()].map((refund) => refund.amount)).toContain(unit)
    expect((await orderState(orderId)).payment).toMatchObject({
      status: 'CAPTURED',
      captured_minor: unit * 2,
      refunded_minor: unit,
    })
  })

  it('records a refund made in the Stripe dashboard (charge.refunded)', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    const authorised = fake.confirm(payment.provider_ref!)
    const amount = authorised.amount
    await deliver('payment_intent.succeeded', {
      ...authorised,
      status: 'succeeded',
      amount_received: amount,
      amount_capturable: 0,
    })
    const charge = {
      id: 'ch_dash',
      object: 'charge',
      payment_intent: authorised.id,
      amount,
      amount_captured: amount,
      amount_refunded: amount,
      metadata: {},
    }
    expect((await deliver('charge.refunded', charge)).status).toBe(200)
    expect((await orderState(first.order!.id)).payment).toMatchObject({ status: 'REFUNDED', refunded_minor: amount })
  })

  it('releases an order before its card authorisation lapses (about 7 days), never capturing on a dead hold', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
    const job = orderTimersJob({ reminderLeadMinutes: 0 })
    const sixDays = new Date(NOW.getTime() + 6 * 24 * 3_600_000)
    const sevenDays = new Date(NOW.getTime() + (6 * 24 + 13) * 3_600_000)
    await inTransaction(testDb.db, (trx) => job.run(trx, sixDays))
    expect((await orderState(first.order!.id)).order.status).toBe('PLACED')
    const late = await inTransaction(testDb.db, (trx) => job.run(trx, sevenDays))
    expect(Number(late.details?.authorisationLapsing)).toBeGreaterThanOrEqual(1)
    expect((await orderState(first.order!.id)).order.status).toBe('CANCELLED')
    // Reconciliation then voids what the card still holds.
    const reconcile = paymentReconciliationJob({ provider: stripe, logger: createLogger('silent') })
    await inTransaction(testDb.db, (trx) => reconcile.run(trx, sevenDays))
    expect((await orderState(first.order!.id)).payment.status).toBe('VOIDED')
  })

  it('takes no money for an order that is not ready to hand over', async () => {
    const { first } = await onlineCheckout()
    const { payment } = await orderState(first.order!.id)
    await deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
    const captures = () =>
      fake.requests.filter((r) => r.path === `/v1/payment_intents/${payment.provider_ref}/capture`).length
    const collect = await staffMutation(api, manager)('orderCollect', {
      orderId: first.order!.id,
      pickupPass: first.order!.pickupPass,
    })
    expect(collect.data!.orderCollect!.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION'])
    expect(captures()).toBe(0)
    expect((await orderState(first.order!.id)).payment.status).toBe('AUTHORIZED')
  })
})
