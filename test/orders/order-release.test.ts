import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction, type Trx } from '../../src/db/transaction.js'
import { redeemGiftCards } from '../../src/modules/giftcards/gift-card-redemption.js'
import { releaseOrderCommitments } from '../../src/modules/orders/order-release.service.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { recordGiftCardPayment } from '../../src/modules/payments/payment.service.js'
import { consumePromotionUses } from '../../src/modules/promotions/promotion-usage.service.js'
import { cartHeaders } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { openAllDay, placeOrder, staffMutation } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const SHOPPER = { type: 'CUSTOMER' as const, id: null }
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let variant: { id: string; gid: string }
let otherVariantId: string
let manager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id, { slotCapacity: 100 })
  const row = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .where('currency_code', '=', 'EUR')
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { id: row.id, gid: globalId('Variant', row.id) }
  await setLevel(testDb.db, id, row.id, { on_hand: 100 })
  const other = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .where('id', '!=', row.id)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  otherVariantId = other.id
  await setLevel(testDb.db, id, other.id, { on_hand: 1 })
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(() => testDb.destroy())

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

async function insertPromotion(usageLimit = 5): Promise<string> {
  const row = await testDb.db
    .insertInto('promotion')
    .values({
      name: 'spring',
      kind: 'CODE',
      value_type: 'PERCENTAGE',
      value_amount: 1000,
      currency_code: null,
      target_type: 'ORDER',
      buy_quantity: null,
      get_quantity: null,
      min_subtotal_minor: null,
      min_quantity: null,
      starts_at: null,
      ends_at: null,
      usage_limit: usageLimit,
      usage_limit_per_customer: null,
      combines_with_others: true,
      priority: 0,
      archived_at: null,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function issueGiftCard(amountMinor: number) {
  const result = await api.gql<{ giftCardCreate: { code: string; giftCard: { id: string } } }>(
    'mutation($input: GiftCardCreateInput!) { giftCardCreate(input: $input) { code giftCard { id } } }',
    { input: { amount: amountMinor, currencyCode: 'EUR', storeId: rivoli.gid } },
    { token: manager },
  )
  const { code, giftCard } = result.data!.giftCardCreate
  return { code, id: rawId(giftCard.id) }
}

/**
 * Takes a promotion's use, then pays up to 5.00 of an order from a gift card, as checkout does,
 * in its transaction; `pauseMs` holds the promotion's lock a moment before the card is taken.
 */
async function commit(trx: Trx, orderId: string, promotionId: string, giftCardCode: string, pauseMs = 0) {
  await consumePromotionUses(trx, {
    orderId,
    customerId: null,
    applied: [{ promotionId, code: 'SPRING', amountMinor: 100 }],
  })
  if (pauseMs > 0) await sql`SELECT pg_sleep(${pauseMs / 1000})`.execute(trx)
  const order = await trx.selectFrom('sales_order').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow()
  const redeemed = await redeemGiftCards(trx, {
    codes: [giftCardCode],
    orderId,
    currencyCode: order.currency_code,
    dueMinor: Math.min(order.total_minor, 500),
    actor: SHOPPER,
    now: NOW,
  })
  const amountMinor = redeemed.reduce((sum, share) => sum + share.amountMinor, 0)
  await recordGiftCardPayment(trx, order, amountMinor, NOW)
  return amountMinor
}

async function place(paymentMode: 'AT_PICKUP' | 'ONLINE' = 'AT_PICKUP') {
  const { result, cartToken } = await placeOrder(api, {
    storeGid: rivoli.gid,
    lines: [{ variantId: variant.gid, quantity: 2 }],
    paymentMode,
  })
  return { gid: result.order!.id, orderId: rawId(result.order!.id), cartToken }
}

/**
 * An order placed through the API that then used a promotion and was paid in part by a gift
 * card, recorded with the services checkout uses for them, in one transaction.
 */
async function orderWithCommitments(paymentMode: 'AT_PICKUP' | 'ONLINE' = 'AT_PICKUP') {
  const placed = await place(paymentMode)
  const promotionId = await insertPromotion()
  const card = await issueGiftCard(500)
  const redeemedMinor = await inTransaction(testDb.db, (trx) => commit(trx, placed.orderId, promotionId, card.code))
  expect(redeemedMinor).toBeGreaterThan(0)
  return { ...placed, promotionId, card, redeemedMinor }
}

type Committed = Awaited<ReturnType<typeof orderWithCommitments>>

/** Everything an order's promotion use and gift card payment left in the database. */
async function commitmentsOf(order: Committed) {
  const promotion = await testDb.db
    .selectFrom('promotion')
    .select('times_used')
    .where('id', '=', order.promotionId)
    .executeTakeFirstOrThrow()
  const uses = await testDb.db
    .selectFrom('promotion_usage')
    .select('released_at')
    .where('order_id', '=', order.orderId)
    .execute()
  const card = await testDb.db
    .selectFrom('gift_card')
    .select('balance_minor')
    .where('id', '=', order.card.id)
    .executeTakeFirstOrThrow()
  const movements = await testDb.db
    .selectFrom('gift_card_movement')
    .select(['kind', 'amount_minor'])
    .where('gift_card_id', '=', order.card.id)
    .orderBy('id')
    .execute()
  const payment = await testDb.db
    .selectFrom('payment')
    .select(['status', 'captured_minor', 'refunded_minor'])
    .where('order_id', '=', order.orderId)
    .where('provider', '=', 'GIFT_CARD')
    .executeTakeFirstOrThrow()
  const orderRow = await testDb.db
    .selectFrom('sales_order')
    .select('status')
    .where('id', '=', order.orderId)
    .executeTakeFirstOrThrow()
  return {
    status: orderRow.status,
    timesUsed: promotion.times_used,
    uses: uses.map((use) => (use.released_at ? new Date(use.released_at).toISOString() : null)),
    balance: card.balance_minor,
    movements,
    payment,
  }
}

/** What an order that ended without being collected at `at` must have given back. */
function givenBack(order: Committed, status: 'CANCELLED' | 'EXPIRED', at: Date) {
  return {
    status,
    timesUsed: 0,
    uses: [at.toISOString()],
    balance: 500,
    movements: [
      { kind: 'ISSUE', amount_minor: 500 },
      { kind: 'REDEEM', amount_minor: -order.redeemedMinor },
      { kind: 'RELEASE', amount_minor: order.redeemedMinor },
    ],
    payment: { status: 'REFUNDED', captured_minor: order.redeemedMinor, refunded_minor: order.redeemedMinor },
  }
}

const CANCEL = `mutation($input: OrderCancelInput!) {
  orderCancel(input: $input) { order { status } userErrors { code } }
}`
type CancelPayload = { orderCancel: { order: { status: string } | null; userErrors: { code: string }[] } }

describe('an order ending without being collected gives back its promotion uses and gift cards', () => {
  it('when its shopper cancels it, in the same transaction; cancelling again changes nothing', async () => {
    const order = await orderWithCommitments()
    const held = await commitmentsOf(order)
    expect(held).toMatchObject({ timesUsed: 1, uses: [null], balance: 500 - order.redeemedMinor })

    const headers = cartHeaders(order.cartToken)
    const cancelled = await api.gql<CancelPayload>(CANCEL, { input: { orderId: order.gid } }, { headers })
    expect(cancelled.data!.orderCancel).toEqual({ order: { status: 'CANCELLED' }, userErrors: [] })
    const released = await commitmentsOf(order)
    expect(released).toEqual(givenBack(order, 'CANCELLED', NOW))

    const again = await api.gql<CancelPayload>(CANCEL, { input: { orderId: order.gid } }, { headers })
    expect(again.data!.orderCancel.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION'])
    // The give-back itself, asked twice, finds nothing left.
    await inTransaction(testDb.db, (trx) =>
      releaseOrderCommitments(trx, { id: order.orderId }, SHOPPER, new Date(NOW.getTime() + 60_000)),
    )
    expect(await commitmentsOf(order)).toEqual(released)
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', order.card.id)
      .where('type', '=', 'gift_card.released')
      .execute()
    expect(events).toHaveLength(1)
  })

  it('when staff cancel it once preparation started', async () => {
    const order = await orderWithCommitments()
    const run = staffMutation(api, manager)
    expect((await run('orderStartPreparing', { orderId: order.gid })).data!.orderStartPreparing!.userErrors).toEqual([])
    const cancelled = await api.gql<CancelPayload>(
      CANCEL,
      { input: { orderId: order.gid, reason: 'damaged' } },
      { token: manager },
    )
    expect(cancelled.data!.orderCancel.userErrors).toEqual([])
    expect(await commitmentsOf(order)).toEqual(givenBack(order, 'CANCELLED', NOW))
  })

  it('when the timers cancel it unpaid or expire it uncollected; a second run changes nothing', async () => {
    const unpaid = await orderWithCommitments()
    await testDb.db
      .updateTable('sales_order')
      .set({ status: 'PENDING_PAYMENT', payment_due_at: new Date(NOW.getTime() + 15 * 60_000) })
      .where('id', '=', unpaid.orderId)
      .execute()
    const uncollected = await orderWithCommitments()
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId: uncollected.gid })
    expect((await run('orderMarkReady', { orderId: uncollected.gid })).data!.orderMarkReady!.userErrors).toEqual([])

    const job = orderTimersJob({ reminderLeadMinutes: 0 })
    const runAt = (at: Date) => inTransaction(testDb.db, (trx) => job.run(trx, at))
    const paymentDue = new Date(NOW.getTime() + 16 * 60_000)
    expect((await runAt(paymentDue)).details).toMatchObject({ unpaidCancelled: 1, expired: 0 })
    expect(await commitmentsOf(unpaid)).toEqual(givenBack(unpaid, 'CANCELLED', paymentDue))
    expect(await commitmentsOf(uncollected)).toMatchObject({ status: 'READY_FOR_PICKUP', timesUsed: 1, uses: [null] })

    const holdOver = new Date(NOW.getTime() + 73 * 3_600_000)
    expect((await runAt(holdOver)).details).toMatchObject({ unpaidCancelled: 0, expired: 1 })
    expect(await commitmentsOf(uncollected)).toEqual(givenBack(uncollected, 'EXPIRED', holdOver))
    expect((await runAt(new Date(holdOver.getTime() + 60_000))).affected).toBe(0)
    expect(await commitmentsOf(unpaid)).toEqual(givenBack(unpaid, 'CANCELLED', paymentDue))
    expect(await commitmentsOf(uncollected)).toEqual(givenBack(uncollected, 'EXPIRED', holdOver))
  })

  it('voids the card of an online order paid in part by a gift card, and gives the gift card back', async () => {
    const order = await orderWithCommitments('ONLINE')
    // The gift card's payment is recorded at checkout, before the card's: it must not be taken for the card.
    await testDb.db
      .updateTable('payment')
      .set({ created_at: sql`now() - interval '1 hour'` })
      .where('order_id', '=', order.orderId)
      .where('provider', '=', 'GIFT_CARD')
      .execute()
    const cancelled = await api.gql<CancelPayload>(
      CANCEL,
      { input: { orderId: order.gid } },
      { headers: cartHeaders(order.cartToken) },
    )
    expect(cancelled.data!.orderCancel.userErrors).toEqual([])
    expect(await commitmentsOf(order)).toEqual(givenBack(order, 'CANCELLED', NOW))
    const card = await testDb.db
      .selectFrom('payment')
      .select('status')
      .where('order_id', '=', order.orderId)
      .where('provider', '=', 'OFFLINE')
      .executeTakeFirstOrThrow()
    expect(card.status).toBe('VOIDED')
  })

  it('never deadlocks with checkouts taking the same promotion and gift card', async () => {
    const promotionId = await insertPromotion(100)
    const card = await issueGiftCard(50_000)
    const toCancel = []
    for (let index = 0; index < 8; index++) {
      const placed = await place()
      await inTransaction(testDb.db, (trx) => commit(trx, placed.orderId, promotionId, card.code))
      toCancel.push(placed)
    }
    const toCommit = []
    for (let index = 0; index < 8; index++) toCommit.push(await place())
    const cancels = toCancel.map((order) =>
      api.gql<CancelPayload>(CANCEL, { input: { orderId: order.gid } }, { headers: cartHeaders(order.cartToken) }),
    )
    // Checkout's lock order: its stock levels (another product here, so that no shared level
    // queues them behind the cancellations), then the promotion, then the gift card.
    const checkouts = toCommit.map((order) =>
      inTransaction(testDb.db, async (trx) => {
        await trx
          .selectFrom('inventory_level')
          .select('on_hand')
          .where('store_id', '=', rivoli.id)
          .where('variant_id', '=', otherVariantId)
          .forUpdate()
          .execute()
        return commit(trx, order.orderId, promotionId, card.code, 20)
      }),
    )
    const [cancelled, committed] = await Promise.all([Promise.allSettled(cancels), Promise.allSettled(checkouts)])
    const failures = [...cancelled, ...committed].flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    )
    expect(failures).toEqual([])
    for (const result of cancelled) {
      const payload = result.status === 'fulfilled' ? result.value : null
      expect(payload?.errors ?? payload?.data?.orderCancel.userErrors).toEqual([])
    }
    const paid = committed.map((result) => (result.status === 'fulfilled' ? result.value : 0))
    const promotion = await testDb.db
      .selectFrom('promotion')
      .select('times_used')
      .where('id', '=', promotionId)
      .executeTakeFirstOrThrow()
    expect(promotion.times_used).toBe(toCommit.length)
    const balance = await testDb.db
      .selectFrom('gift_card')
      .select('balance_minor')
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow()
    expect(balance.balance_minor).toBe(50_000 - paid.reduce((sum, amount) => sum + amount, 0))
  })
})
