import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { checkout, firstSlot, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Gift cards paying for a click-and-collect order: alone, or with a card online for the rest,
 * debited in the order's transaction so that a card is never overspent, and refused whole.
 */

let testDb: TestDb
let app: StripeTestApp
let store: StockedStore
let admin: string
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => new Date() })
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 1_000, slotCapacity: 1_000 })
  admin = await app.api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await app.api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await app.close()
  await testDb.destroy()
})

async function giftCard(amountMinor: number): Promise<string> {
  const result = await app.api.gql<{ giftCardCreate: { code: string } }>(
    `mutation($input: GiftCardCreateInput!) { giftCardCreate(input: $input) { code userErrors { code } } }`,
    { input: { amount: amountMinor, currencyCode: 'EUR' } },
    { token: admin },
  )
  const code = result.data?.giftCardCreate.code
  if (!code) throw new Error(`gift card not issued: ${JSON.stringify(result)}`)
  return code
}

function balanceOf(code: string) {
  return testDb.db
    .selectFrom('gift_card')
    .select('balance_minor')
    .where('last_characters', '=', code.slice(-4))
    .executeTakeFirstOrThrow()
    .then((row) => row.balance_minor)
}

async function checkoutWith(giftCardCodes: string[], paymentMode: 'ONLINE' | 'AT_PICKUP', quantity = 1) {
  const { cart, cartToken } = await createCart(app.api, {
    channel: 'WEB',
    lines: [{ variantId: store.variantGid, quantity }],
  })
  const result = await checkout(
    app.api,
    {
      cartId: cart.id,
      storeId: store.storeGid,
      pickupSlotStart: await firstSlot(app.api, store.storeGid),
      paymentMode,
      ...({ giftCardCodes } as object),
    },
    cartHeaders(cartToken),
  )
  return { result, cart, cartId: Buffer.from(cart.id, 'base64').toString().split(':')[1]! }
}

function orderOf(cartId: string) {
  return testDb.db.selectFrom('sales_order').selectAll().where('cart_id', '=', cartId).executeTakeFirst()
}

function paymentsOf(orderId: string) {
  return testDb.db
    .selectFrom('payment')
    .select(['provider', 'status', 'amount_minor', 'captured_minor'])
    .where('order_id', '=', orderId)
    .orderBy('provider')
    .execute()
}

describe('checkout paid with gift cards', () => {
  it('pays an online order in full from a gift card: no card is asked, the order goes to the store', async () => {
    const code = await giftCard(100_000)
    const { result, cart, cartId } = await checkoutWith([code], 'ONLINE')
    expect(result.userErrors).toEqual([])
    expect(result.payment).toEqual({ clientSecret: null })
    const order = (await orderOf(cartId))!
    expect(order).toMatchObject({ status: 'PLACED', payment_due_at: null, total_minor: cart.total.amountMinor })
    expect(await paymentsOf(order.id)).toEqual([
      { provider: 'GIFT_CARD', status: 'CAPTURED', amount_minor: order.total_minor, captured_minor: order.total_minor },
    ])
    expect(await balanceOf(code)).toBe(100_000 - order.total_minor)
    expect(app.fake.intents.size).toBe(0)
    // Paid by the card's debit, announced once and after the order reached its store.
    expect(order.paid_at).not.toBeNull()
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select(['type', 'payload'])
      .where('aggregate_id', '=', order.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => [event.type, event.payload.status])).toEqual([
      ['order.placed', 'PENDING_PAYMENT'],
      ['order.placed', 'PLACED'],
      ['order.paid', 'PLACED'],
    ])
  })

  it('asks the card online only for what the gift card did not pay', async () => {
    const code = await giftCard(300)
    const { result, cartId } = await checkoutWith([code], 'ONLINE', 2)
    expect(result.userErrors).toEqual([])
    expect(result.payment?.clientSecret).toBeTruthy()
    const order = (await orderOf(cartId))!
    expect(order.status).toBe('PENDING_PAYMENT')
    expect(order.paid_at).toBeNull()
    const intent = [...app.fake.intents.values()].find((candidate) => candidate.metadata.order_id === order.id)
    expect(intent?.amount).toBe(order.total_minor - 300)
    expect(await balanceOf(code)).toBe(0)
    expect(await paymentsOf(order.id)).toMatchObject([
      { provider: 'GIFT_CARD', status: 'CAPTURED', captured_minor: 300 },
      { provider: 'STRIPE', amount_minor: order.total_minor - 300 },
    ])
  })

  it('refuses the whole checkout for an unknown or repeated card, changing nothing', async () => {
    const code = await giftCard(5_000)
    const { result, cartId } = await checkoutWith([code, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ'], 'AT_PICKUP')
    expect(result.order).toBeNull()
    expect(result.userErrors.map((error) => error.code)).toEqual(['GIFT_CARD_UNKNOWN'])
    expect(await orderOf(cartId)).toBeUndefined()
    expect(await balanceOf(code)).toBe(5_000)
    const cart = await testDb.db.selectFrom('cart').select('status').where('id', '=', cartId).executeTakeFirstOrThrow()
    expect(cart.status).toBe('ACTIVE')

    const repeated = await checkoutWith([code, code], 'AT_PICKUP')
    expect(repeated.result.userErrors.map((error) => error.code)).toEqual(['GIFT_CARD_DUPLICATE'])
  })

  it('never overspends one card shared by parallel checkouts', async () => {
    const { cart } = await createCart(app.api, {
      channel: 'WEB',
      lines: [{ variantId: store.variantGid, quantity: 1 }],
    })
    const unit = cart.total.amountMinor
    const code = await giftCard(unit * 3 + 1)
    const attempts = await Promise.all(Array.from({ length: 10 }, () => checkoutWith([code], 'AT_PICKUP')))
    const placed = attempts.filter((attempt) => attempt.result.order !== null)
    // Three orders in full, one for the last minor unit (the counter takes the rest); the card is
    // then empty, and an empty card refuses the checkout rather than being skipped silently.
    expect(placed).toHaveLength(4)
    for (const attempt of attempts.filter((candidate) => candidate.result.order === null)) {
      expect(attempt.result.userErrors.map((error) => error.code)).toEqual(['GIFT_CARD_EMPTY'])
    }
    const orders = await Promise.all(placed.map((attempt) => orderOf(attempt.cartId)))
    const paid = await testDb.db
      .selectFrom('payment')
      .select(['order_id', 'captured_minor'])
      .where('provider', '=', 'GIFT_CARD')
      .where(
        'order_id',
        'in',
        orders.map((order) => order!.id),
      )
      .execute()
    expect(paid.map((payment) => payment.captured_minor).sort((a, b) => a - b)).toEqual([1, unit, unit, unit])
    expect(await balanceOf(code)).toBe(0)
  })

  it('has the counter take only what the gift card left to pay, and nothing when it paid it all', async () => {
    const partCode = await giftCard(500)
    const part = await checkoutWith([partCode], 'AT_PICKUP', 2)
    const partOrder = (await orderOf(part.cartId))!
    const rest = partOrder.total_minor - 500
    const cash = (minor: number) => ({ method: 'CASH', amountTendered: (minor / 100).toFixed(2) })
    expect(await staff('orderStartPreparing', { orderId: part.result.order!.id })).toEqual([])
    expect(await staff('orderMarkReady', { orderId: part.result.order!.id })).toEqual([])
    const short = await staff('orderCollect', {
      orderId: part.result.order!.id,
      pickupCode: part.result.pickupCode,
      payment: cash(rest - 1),
    })
    expect(short).toEqual(['INSUFFICIENT_TENDER'])
    expect((await orderOf(part.cartId))!.paid_at).toBeNull()
    const paid = await staff('orderCollect', {
      orderId: part.result.order!.id,
      pickupCode: part.result.pickupCode,
      payment: cash(rest),
    })
    expect(paid).toEqual([])
    expect((await orderOf(part.cartId))!.paid_at).not.toBeNull()
    expect(await paymentsOf(partOrder.id)).toMatchObject([
      { provider: 'CASH', captured_minor: rest },
      { provider: 'GIFT_CARD', captured_minor: 500 },
    ])

    const wholeCode = await giftCard(100_000)
    const whole = await checkoutWith([wholeCode], 'AT_PICKUP')
    // Nothing left for the counter to take: paid at checkout.
    expect((await orderOf(whole.cartId))!.paid_at).not.toBeNull()
    expect(await staff('orderStartPreparing', { orderId: whole.result.order!.id })).toEqual([])
    expect(await staff('orderMarkReady', { orderId: whole.result.order!.id })).toEqual([])
    expect(
      await staff('orderCollect', { orderId: whole.result.order!.id, pickupCode: whole.result.pickupCode }),
    ).toEqual([])
    const collected = (await orderOf(whole.cartId))!
    expect(collected.status).toBe('COLLECTED')
    expect((await paymentsOf(collected.id)).map((payment) => payment.provider)).toEqual(['GIFT_CARD'])
  })

  it('gives a gift card back what it paid for units missing at picking', async () => {
    const code = await giftCard(100_000)
    const { result, cartId } = await checkoutWith([code], 'AT_PICKUP', 2)
    const order = (await orderOf(cartId))!
    const unit = order.total_minor / 2
    const sku = result.order!.lines[0]!.sku
    expect(await staff('orderStartPreparing', { orderId: result.order!.id })).toEqual([])
    expect(await staff('orderMarkReady', { orderId: result.order!.id, missing: [{ sku, quantity: 1 }] })).toEqual([])
    expect((await orderOf(cartId))!.total_minor).toBe(unit)
    expect(await balanceOf(code)).toBe(100_000 - unit)
    expect(await paymentsOf(order.id)).toMatchObject([{ provider: 'GIFT_CARD', captured_minor: 2 * unit }])
    const refunded = await testDb.db
      .selectFrom('payment')
      .select('refunded_minor')
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow()
    expect(refunded.refunded_minor).toBe(unit)
  })
})

/** A store manager's mutation; answers its userErrors' codes. */
async function staff(name: string, input: Record<string, unknown>): Promise<string[]> {
  const result = await app.api.gql<Record<string, { userErrors: { code: string }[] }>>(
    `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { userErrors { code } } }`,
    { input },
    { token: manager },
  )
  const payload = result.data?.[name]
  if (!payload) throw new Error(`${name} failed: ${JSON.stringify(result)}`)
  return payload.userErrors.map((error) => error.code)
}
