import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { redeemGiftCards } from '../../src/modules/giftcards/gift-card-redemption.js'
import { recordGiftCardPayment } from '../../src/modules/payments/payment.service.js'
import { paymentReconciliationJob } from '../../src/modules/payments/payment-reconciliation.job.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { CHECKOUT, type CheckoutResult, firstSlot, staffMutation, stockedStore } from '../fixtures/orders.js'
import type { FakeStripe } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const GIFT_CARD_MINOR = 500
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

function cardPaymentOf(orderId: string) {
  return testDb.db
    .selectFrom('payment')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('provider', '=', 'STRIPE')
    .executeTakeFirstOrThrow()
}

/** An online order of two units authorised at Stripe, a gift card having paid GIFT_CARD_MINOR of it. */
async function orderPaidByCardAndGiftCard() {
  const { cart, cartToken } = await createCart(api, {
    channel: 'APP',
    lines: [{ variantId: variant.gid, quantity: 2 }],
  })
  const input = {
    cartId: cart.id,
    storeId: store.gid,
    pickupSlotStart: await firstSlot(api, store.gid),
    paymentMode: 'ONLINE',
    idempotencyKey: `gift-return-${cart.id.slice(-12)}`,
  }
  const placed = await api.gql<{ checkoutPlaceOrder: CheckoutResult }>(
    CHECKOUT,
    { input },
    { headers: cartHeaders(cartToken) },
  )
  const order = placed.data!.checkoutPlaceOrder.order!
  const orderId = rawId(order.id)
  const payment = await cardPaymentOf(orderId)
  await app.deliver('payment_intent.amount_capturable_updated', fake.confirm(payment.provider_ref!))
  const issued = await api.gql<{ giftCardCreate: { code: string } }>(
    'mutation($input: GiftCardCreateInput!) { giftCardCreate(input: $input) { code } }',
    { input: { amount: GIFT_CARD_MINOR, currencyCode: 'EUR', storeId: store.gid } },
    { token: manager },
  )
  await inTransaction(testDb.db, async (trx) => {
    const row = await trx.selectFrom('sales_order').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow()
    const codes = [issued.data!.giftCardCreate.code]
    const actor = { type: 'CUSTOMER' as const, id: null }
    await redeemGiftCards(trx, { codes, orderId, currencyCode: 'EUR', dueMinor: GIFT_CARD_MINOR, actor, now: NOW })
    await recordGiftCardPayment(trx, row, GIFT_CARD_MINOR, NOW)
  })
  return { gid: order.id, orderId, pickupPass: order.pickupPass!, ref: payment.provider_ref! }
}

describe('the card refund of a return, retried by reconciliation', () => {
  it('asks the card only for what the gift cards did not get back', async () => {
    const order = await orderPaidByCardAndGiftCard()
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId: order.gid })
    await run('orderMarkReady', { orderId: order.gid })
    const collected = await run('orderCollect', { orderId: order.gid, pickupPass: order.pickupPass })
    expect(collected.data!.orderCollect!.userErrors).toEqual([])
    const { sku, price_minor: unitMinor } = await testDb.db
      .selectFrom('order_line')
      .innerJoin('variant', 'variant.id', 'order_line.variant_id')
      .select(['variant.sku', 'order_line.unit_price_minor as price_minor'])
      .where('order_line.order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    expect(unitMinor).toBeGreaterThan(GIFT_CARD_MINOR)

    fake.failNext(1, 503) // the card refund right after the return fails
    const returned = await run('posReturnCreate', {
      orderId: order.gid,
      lines: [{ sku, quantity: 1 }],
      refundTo: 'ORIGINAL',
    })
    expect(returned.data!.posReturnCreate!.userErrors).toEqual([])
    const row = await testDb.db
      .selectFrom('order_return')
      .select(['amount_minor', 'gift_card_minor', 'refund_status'])
      .where('order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ amount_minor: unitMinor, gift_card_minor: GIFT_CARD_MINOR, refund_status: 'FAILED' })

    const job = paymentReconciliationJob({ provider: app.stripe, logger: createLogger('silent') })
    await inTransaction(testDb.db, (trx) => job.run(trx, new Date(Date.now() + 10 * 60_000)))
    const refunds = [...fake.refunds.values()].filter((refund) => refund.payment_intent === order.ref)
    expect(refunds.map((refund) => refund.amount)).toEqual([unitMinor - GIFT_CARD_MINOR])
    expect(await cardPaymentOf(order.orderId)).toMatchObject({ refunded_minor: unitMinor - GIFT_CARD_MINOR })
  })
})
