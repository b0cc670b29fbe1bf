import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { redeemGiftCards } from '../../src/modules/giftcards/gift-card-redemption.js'
import { orderTotals } from '../../src/modules/orders/order.js'
import { recordGiftCardPayment } from '../../src/modules/payments/payment.service.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { ORDER_FIELDS, type OrderShape, openAllDay, placeOrder, staffMutation } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
// Three units at 10.00 with 3.01 off the line: 26.99 paid, a unit worth 8.99⅔.
const UNIT_MINOR = 1000
const LINE_DISCOUNT_MINOR = 301
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let variant: { id: string; gid: string; sku: string }
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id, { slotCapacity: 100 })
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'sku'])
    .where('active', '=', true)
    .where('currency_code', '=', 'EUR')
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { id: row.id, gid: globalId('Variant', row.id), sku: row.sku }
  await setLevel(testDb.db, id, row.id, { on_hand: 100 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(() => testDb.destroy())

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

/**
 * A pickup order of three units whose line a promotion took LINE_DISCOUNT_MINOR off, written as
 * checkout keeps it: the discount on the line and the order's totals from orderTotals.
 */
async function discountedOrder() {
  const { result } = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 3 }] })
  const orderId = rawId(result.order!.id)
  await inTransaction(testDb.db, async (trx) => {
    const lines = await trx
      .updateTable('order_line')
      .set({ unit_price_minor: UNIT_MINOR, discount_minor: LINE_DISCOUNT_MINOR })
      .where('order_id', '=', orderId)
      .returningAll()
      .execute()
    const totals = orderTotals(lines)
    await trx
      .updateTable('sales_order')
      .set({
        subtotal_minor: totals.subtotalMinor,
        discount_minor: totals.discountMinor,
        tax_minor: totals.taxMinor,
        total_minor: totals.totalMinor,
      })
      .where('id', '=', orderId)
      .execute()
  })
  return { gid: result.order!.id, orderId, pickupCode: result.pickupCode }
}

type Placed = Awaited<ReturnType<typeof discountedOrder>>

/** A new gift card of `issuedMinor` pays `payingMinor` of the order, as checkout records it. */
async function payWithGiftCard(order: Placed, amounts: { issuedMinor: number; payingMinor: number }) {
  const issued = await api.gql<{ giftCardCreate: { code: string; giftCard: { id: string } } }>(
    'mutation($input: GiftCardCreateInput!) { giftCardCreate(input: $input) { code giftCard { id } } }',
    { input: { amount: amounts.issuedMinor, currencyCode: 'EUR', storeId: rivoli.gid } },
    { token: manager },
  )
  const card = { code: issued.data!.giftCardCreate.code, id: rawId(issued.data!.giftCardCreate.giftCard.id) }
  await inTransaction(testDb.db, async (trx) => {
    const row = await trx
      .selectFrom('sales_order')
      .selectAll()
      .where('id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    const actor = { type: 'CUSTOMER' as const, id: null }
    const due = { codes: [card.code], orderId: row.id, currencyCode: 'EUR', dueMinor: amounts.payingMinor }
    await redeemGiftCards(trx, { ...due, actor, now: NOW })
    await recordGiftCardPayment(trx, row, amounts.payingMinor, NOW)
  })
  return card
}

async function giftCardLedger(giftCardId: string) {
  const card = await testDb.db
    .selectFrom('gift_card')
    .select('balance_minor')
    .where('id', '=', giftCardId)
    .executeTakeFirstOrThrow()
  const movements = await testDb.db
    .selectFrom('gift_card_movement')
    .select(['kind', 'amount_minor'])
    .where('gift_card_id', '=', giftCardId)
    .orderBy('id')
    .execute()
  return { balance: card.balance_minor, movements: movements.map((m) => `${m.kind} ${m.amount_minor}`) }
}

const MARK_READY = `mutation($input: OrderMarkReadyInput!) {
  orderMarkReady(input: $input) { order { ${ORDER_FIELDS} } userErrors { code } }
}`

async function collect(order: Placed, missing = 0): Promise<OrderShape> {
  const run = staffMutation(api, manager)
  await run('orderStartPreparing', { orderId: order.gid })
  const ready = await api.gql<{ orderMarkReady: { order: OrderShape; userErrors: unknown[] } }>(
    MARK_READY,
    { input: { orderId: order.gid, missing: missing > 0 ? [{ sku: variant.sku, quantity: missing }] : [] } },
    { token: manager },
  )
  expect(ready.data!.orderMarkReady.userErrors).toEqual([])
  const payment = { method: 'CASH', amountTendered: '1000.00' }
  const collected = await run('orderCollect', { orderId: order.gid, pickupCode: order.pickupCode, payment })
  expect(collected.data!.orderCollect!.userErrors).toEqual([])
  return ready.data!.orderMarkReady.order
}

const RETURN = `mutation($input: PosReturnCreateInput!) {
  posReturnCreate(input: $input) { return { amount { amountMinor } } userErrors { code field } }
}`
type ReturnPayload = {
  posReturnCreate: { return: { amount: { amountMinor: number } } | null; userErrors: { code: string }[] }
}

async function giveBack(order: Placed, quantity: number) {
  const result = await api.gql<ReturnPayload>(
    RETURN,
    { input: { orderId: order.gid, lines: [{ sku: variant.sku, quantity }], refundTo: 'CASH' } },
    { token: manager },
  )
  return result.data!.posReturnCreate
}

async function cashCaptured(orderId: string) {
  const cash = await testDb.db
    .selectFrom('payment')
    .select('captured_minor')
    .where('order_id', '=', orderId)
    .where('provider', '=', 'CASH')
    .where('status', '=', 'CAPTURED')
    .executeTakeFirstOrThrow()
  return cash.captured_minor
}

describe('returns of a discounted line', () => {
  it('refund each unit its share of what the line was paid, all of them exactly that', async () => {
    const order = await discountedOrder()
    await collect(order)
    expect(await cashCaptured(order.orderId)).toBe(2699)
    const first = await giveBack(order, 1)
    expect(first).toEqual({ return: { amount: { amountMinor: 899 } }, userErrors: [] })
    const rest = await giveBack(order, 2)
    expect(rest).toEqual({ return: { amount: { amountMinor: 1800 } }, userErrors: [] })
    const beyond = await giveBack(order, 1)
    expect(beyond.userErrors.map((error) => error.code)).toEqual(['RETURN_EXCEEDS_PURCHASE'])
    const refunds = await testDb.db
      .selectFrom('order_return')
      .select('amount_minor')
      .where('order_id', '=', order.orderId)
      .orderBy('created_at')
      .execute()
    expect(refunds.map((refund) => refund.amount_minor)).toEqual([899, 1800])
  })

  it('after a unit went missing at picking: the order keeps the remaining units at their discounted share, and returns give back no more', async () => {
    const order = await discountedOrder()
    const ready = await collect(order, 1)
    // 26.99 paid for three units; the two left are worth ⌊2699 × 2 / 3⌋.
    expect(ready.total.amountMinor).toBe(1799)
    expect(ready.subtotal.amountMinor).toBe(2 * UNIT_MINOR)
    expect(ready.lines).toEqual([expect.objectContaining({ quantity: 2, missingQuantity: 1 })])
    const row = await testDb.db
      .selectFrom('sales_order')
      .select(['subtotal_minor', 'discount_minor', 'total_minor'])
      .where('id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ subtotal_minor: 2000, discount_minor: 201, total_minor: 1799 })
    const line = await testDb.db
      .selectFrom('order_line')
      .select(['quantity', 'missing_quantity', 'discount_minor'])
      .where('order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    // The line's discount stays the one on the three units bought.
    expect(line).toEqual({ quantity: 2, missing_quantity: 1, discount_minor: LINE_DISCOUNT_MINOR })
    expect(await cashCaptured(order.orderId)).toBe(1799)

    expect((await giveBack(order, 1)).return).toEqual({ amount: { amountMinor: 899 } })
    expect((await giveBack(order, 1)).return).toEqual({ amount: { amountMinor: 900 } })
    expect((await giveBack(order, 1)).userErrors.map((error) => error.code)).toEqual(['RETURN_EXCEEDS_PURCHASE'])
  })

  it('give the gift cards that paid for the order their share first, the rest in cash', async () => {
    const order = await discountedOrder()
    const card = await payWithGiftCard(order, { issuedMinor: 500, payingMinor: 500 })
    await collect(order)

    expect((await giveBack(order, 1)).return).toEqual({ amount: { amountMinor: 899 } })
    const returned = await testDb.db
      .selectFrom('order_return')
      .select(['amount_minor', 'gift_card_minor'])
      .where('order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    expect(returned).toEqual({ amount_minor: 899, gift_card_minor: 500 })
    const balance = await testDb.db
      .selectFrom('gift_card')
      .select('balance_minor')
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow()
    expect(balance.balance_minor).toBe(500)
    const payments = await testDb.db
      .selectFrom('payment')
      .select(['provider', 'status', 'refunded_minor'])
      .where('order_id', '=', order.orderId)
      .where('refunded_minor', '>', 0)
      .orderBy('provider')
      .execute()
    expect(payments).toEqual([
      { provider: 'CASH', status: 'REFUNDED', refunded_minor: 399 },
      { provider: 'GIFT_CARD', status: 'REFUNDED', refunded_minor: 500 },
    ])
  })

  it('paid by a gift card, with a unit missing at picking: the card gets back what the order no longer costs, and the rest if it is cancelled', async () => {
    const order = await discountedOrder()
    const card = await payWithGiftCard(order, { issuedMinor: 3000, payingMinor: 2699 })
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId: order.gid })
    const ready = await api.gql<{ orderMarkReady: { order: OrderShape; userErrors: unknown[] } }>(
      MARK_READY,
      { input: { orderId: order.gid, missing: [{ sku: variant.sku, quantity: 1 }] } },
      { token: manager },
    )
    expect(ready.data!.orderMarkReady.order.total.amountMinor).toBe(1799)
    expect(await giftCardLedger(card.id)).toEqual({
      balance: 3000 - 1799,
      movements: ['ISSUE 3000', 'REDEEM -2699', 'RELEASE 900'],
    })
    const cancelled = await run('orderCancel', { orderId: order.gid, reason: 'shopper never came' })
    expect(cancelled.data!.orderCancel!.userErrors).toEqual([])
    expect(await giftCardLedger(card.id)).toEqual({
      balance: 3000,
      movements: ['ISSUE 3000', 'REDEEM -2699', 'RELEASE 900', 'RELEASE 1799'],
    })
    const payment = await testDb.db
      .selectFrom('payment')
      .select(['status', 'captured_minor', 'refunded_minor'])
      .where('order_id', '=', order.orderId)
      .where('provider', '=', 'GIFT_CARD')
      .executeTakeFirstOrThrow()
    expect(payment).toEqual({ status: 'REFUNDED', captured_minor: 2699, refunded_minor: 2699 })
  })
})
