import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { cartHeaders } from '../fixtures/carts.js'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { ORDER_FIELDS, type OrderShape, openAllDay, placeOrder } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let variant: { id: string; gid: string; sku: string }
let otherVariant: { id: string; gid: string; sku: string }
let manager: string
let otherManager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id, { slotCapacity: 100 })
  const rows = await testDb.db
    .selectFrom('variant')
    .select(['id', 'sku'])
    .where('active', '=', true)
    .orderBy('sku')
    .limit(2)
    .execute()
  ;[variant, otherVariant] = rows.map((row) => ({ id: row.id, gid: globalId('Variant', row.id), sku: row.sku })) as [
    typeof variant,
    typeof variant,
  ]
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  otherManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
})
afterAll(() => testDb.destroy())

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

type MutationResult = { order: OrderShape | null; userErrors: { code: string; field: string[] | null }[] }
async function mutate(
  name: string,
  input: Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> },
) {
  const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`
  const result = await api.gql<Record<string, MutationResult>>(
    `mutation($input: ${inputType}!) { ${name}(input: $input) { order { ${ORDER_FIELDS} } userErrors { code field } } }`,
    { input },
    options,
  )
  return { payload: result.data?.[name] ?? null, errors: result.errors }
}

async function level(variantId = variant.id) {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', rivoli.id)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
}

async function ledgerMatchesLevel(variantId = variant.id) {
  const sums = await testDb.db
    .selectFrom('stock_movement')
    .select([
      sql<string>`coalesce(sum(on_hand_delta), 0)::text`.as('on_hand'),
      sql<string>`coalesce(sum(reserved_delta), 0)::text`.as('reserved'),
    ])
    .where('store_id', '=', rivoli.id)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  const current = await level(variantId)
  return Number(sums.on_hand) === current.on_hand && Number(sums.reserved) === current.reserved
}

/** Puts stock in through the ledger (a receipt), so ledger sums and levels can be compared. */
async function receive(quantity: number, variantId = variant.id) {
  const result = await api.gql<{ inventoryReceive: { userErrors: unknown[] } }>(
    'mutation($input: InventoryReceiveInput!) { inventoryReceive(input: $input) { userErrors { code } } }',
    { input: { storeId: rivoli.gid, lines: [{ variantId: globalId('Variant', variantId), quantity }] } },
    { token: manager },
  )
  expect(result.data?.inventoryReceive.userErrors).toEqual([])
}

describe('an order from checkout to collection', () => {
  it('is prepared, marked ready with a missing unit, and collected with the code: stock and ledger agree', async () => {
    await receive(10)
    await receive(5, otherVariant.id)
    const before = await level()
    const { result } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [
        { variantId: variant.gid, quantity: 3 },
        { variantId: otherVariant.gid, quantity: 1 },
      ],
    })
    const orderId = result.order!.id
    expect(await level()).toEqual({ on_hand: before.on_hand, reserved: before.reserved + 3 })

    const preparing = await mutate('orderStartPreparing', { orderId }, { token: manager })
    expect(preparing.payload?.order?.status).toBe('PREPARING')
    const ready = await mutate(
      'orderMarkReady',
      { orderId, missing: [{ sku: variant.sku, quantity: 1 }] },
      { token: manager },
    )
    const readyOrder = ready.payload!.order!
    expect(readyOrder.status).toBe('READY_FOR_PICKUP')
    expect(readyOrder.lines.find((line) => line.sku === variant.sku)).toMatchObject({ quantity: 2, missingQuantity: 1 })
    const unit = readyOrder.lines.find((line) => line.sku === variant.sku)!.unitPrice.amountMinor
    expect(readyOrder.total.amountMinor).toBe(result.order!.total.amountMinor - unit)
    expect(new Date(readyOrder.holdUntil!).getTime() - NOW.getTime()).toBe(72 * 3_600_000)
    // The missing unit left on hand and the reservation.
    expect(await level()).toEqual({ on_hand: before.on_hand - 1, reserved: before.reserved + 2 })

    const due = readyOrder.total.amountMinor
    const cash = (minor: number) => ({ method: 'CASH', amountTendered: (minor / 100).toFixed(2) })
    const withoutPayment = await mutate('orderCollect', { orderId, pickupCode: result.pickupCode }, { token: manager })
    expect(withoutPayment.payload?.userErrors.map((e) => e.code)).toEqual(['PAYMENT_REQUIRED'])
    const short = await mutate(
      'orderCollect',
      { orderId, pickupCode: result.pickupCode, payment: cash(due - 1) },
      { token: manager },
    )
    expect(short.payload?.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_TENDER'])
    const badAmount = await mutate(
      'orderCollect',
      { orderId, pickupCode: result.pickupCode, payment: { method: 'CASH', amountTendered: '12,50' } },
      { token: manager },
    )
    expect(badAmount.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await level()).toEqual({ on_hand: before.on_hand - 1, reserved: before.reserved + 2 })

    const collected = await mutate(
      'orderCollect',
      { orderId, pickupCode: result.pickupCode, payment: cash(due + 1000) },
      { token: manager },
    )
    expect(collected.payload?.userErrors).toEqual([])
    const payments = await api.gql<{
      order: {
        payments: {
          provider: string
          status: string
          captured: { amountMinor: number }
          change: { amountMinor: number }
        }[]
      }
    }>(
      'query($id: ID!) { order(id: $id) { payments { provider status captured { amountMinor } change { amountMinor } } } }',
      { id: orderId },
      { token: manager },
    )
    expect(payments.data!.order.payments).toEqual([
      { provider: 'CASH', status: 'CAPTURED', captured: { amountMinor: due }, change: { amountMinor: 1000 } },
    ])
    expect(collected.payload?.order).toMatchObject({ status: 'COLLECTED' })
    expect(collected.payload?.order?.history.map((entry) => entry.status)).toEqual([
      'PLACED',
      'PREPARING',
      'READY_FOR_PICKUP',
      'COLLECTED',
    ])
    expect(await level()).toEqual({ on_hand: before.on_hand - 3, reserved: before.reserved })
    expect(await ledgerMatchesLevel()).toBe(true)
    expect(await ledgerMatchesLevel(otherVariant.id)).toBe(true)
  })

  it('refuses wrong codes, locks the code after five, and still accepts the signed pass', async () => {
    await receive(2)
    const { result } = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const orderId = result.order!.id
    await mutate('orderStartPreparing', { orderId }, { token: manager })
    await mutate('orderMarkReady', { orderId }, { token: manager })
    const wrongCode = result.pickupCode === '000000' ? '000001' : '000000'
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await mutate('orderCollect', { orderId, pickupCode: wrongCode }, { token: manager })
      expect(wrong.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_PICKUP_CODE'])
    }
    const locked = await mutate('orderCollect', { orderId, pickupCode: result.pickupCode }, { token: manager })
    expect(locked.payload?.userErrors.map((e) => e.code)).toEqual(['PICKUP_CODE_LOCKED'])

    const pass = result.order!.pickupPass!
    const forged = `${pass.slice(0, -2)}${pass.endsWith('A') ? 'BB' : 'AA'}`
    const refused = await mutate('orderCollect', { orderId, pickupPass: forged }, { token: manager })
    expect(refused.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_PICKUP_CODE'])
    const scanned = await mutate(
      'orderCollect',
      { orderId, pickupPass: pass, payment: { method: 'CASH', amountTendered: '1000.00' } },
      { token: manager },
    )
    expect(scanned.payload?.order?.status).toBe('COLLECTED')
    // Staff never see the pass: it is the shopper's to show.
    expect(scanned.payload?.order?.pickupPass).toBeNull()
  })

  it('refuses transitions the table does not allow, and staff of another store', async () => {
    await receive(2)
    const { result } = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const orderId = result.order!.id
    const tooEarly = await mutate('orderMarkReady', { orderId }, { token: manager })
    expect(tooEarly.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION'])
    const notReady = await mutate('orderCollect', { orderId, pickupCode: result.pickupCode }, { token: manager })
    expect(notReady.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION'])
    const foreign = await mutate('orderStartPreparing', { orderId }, { token: otherManager })
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const anonymous = await mutate('orderStartPreparing', { orderId }, {})
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const both = await mutate(
      'orderCollect',
      { orderId, pickupCode: '123456', pickupPass: 'CP1.x' },
      { token: manager },
    )
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const row = await testDb.db
      .selectFrom('sales_order')
      .select('status')
      .where('id', '=', rawId(orderId))
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('PLACED')
  })
})

describe('card at the counter without Stripe (demo setup)', () => {
  it('is settled at once by the offline provider', async () => {
    await receive(1)
    const { result } = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const orderId = result.order!.id
    await mutate('orderStartPreparing', { orderId }, { token: manager })
    await mutate('orderMarkReady', { orderId }, { token: manager })
    const collected = await mutate(
      'orderCollect',
      { orderId, pickupCode: result.pickupCode, payment: { method: 'CARD_PRESENT' } },
      { token: manager },
    )
    expect(collected.payload?.userErrors).toEqual([])
    expect(collected.payload?.order?.status).toBe('COLLECTED')
    const payment = await testDb.db
      .selectFrom('payment')
      .select(['provider', 'status', 'captured_minor'])
      .where('order_id', '=', rawId(orderId))
      .executeTakeFirstOrThrow()
    expect(payment).toEqual({
      provider: 'OFFLINE',
      status: 'CAPTURED',
      captured_minor: result.order!.total.amountMinor,
    })
  })
})

describe("I'm here", () => {
  it('lets the shopper or the store kiosk signal arrival, and puts arrived orders at the top of the board', async () => {
    await receive(2)
    const first = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const second = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const byShopper = await mutate(
      'orderArrive',
      { orderId: second.result.order!.id },
      { headers: cartHeaders(second.cartToken) },
    )
    expect(byShopper.payload?.userErrors).toEqual([])
    const byKiosk = await mutate('orderArrive', { pickupPass: first.result.order!.pickupPass }, { token: manager })
    expect(byKiosk.payload?.userErrors).toEqual([])
    const forged = await mutate(
      'orderArrive',
      { pickupPass: 'CP1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { token: manager },
    )
    expect(forged.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_PICKUP_CODE'])
    const stranger = await mutate('orderArrive', { orderId: first.result.order!.id }, {})
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')

    const board = await api.gql<{
      storeOrders: { edges: { node: { id: string; arrivedAt: string | null; waitingMinutes: number | null } }[] }
    }>(
      'query($storeId: ID!) { storeOrders(storeId: $storeId, first: 200) { edges { node { id arrivedAt waitingMinutes } } } }',
      { storeId: rivoli.gid },
      { token: manager },
    )
    const ids = board.data!.storeOrders.edges.map((edge) => edge.node.id)
    // Both arrived orders lead the board (arrived at the same pinned instant), ahead of the rest.
    expect(ids.slice(0, 2).sort()).toEqual([first.result.order!.id, second.result.order!.id].sort())
    expect(board.data!.storeOrders.edges[0]!.node.waitingMinutes).toBe(0)
    expect(board.data!.storeOrders.edges.slice(2).every((edge) => edge.node.arrivedAt === null)).toBe(true)
  })
})

describe('cancellation', () => {
  it('lets the shopper cancel before preparation, releasing stock and slot', async () => {
    await receive(3)
    const before = await level()
    const { result, cartToken } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variant.gid, quantity: 2 }],
    })
    const orderId = result.order!.id
    const slotStart = new Date(result.order!.pickupSlotStart)
    const booked = async () =>
      (
        await testDb.db
          .selectFrom('pickup_slot_booking')
          .select('booked')
          .where('store_id', '=', rivoli.id)
          .where('slot_start', '=', slotStart)
          .executeTakeFirstOrThrow()
      ).booked
    const bookedBefore = await booked()
    const cancelled = await mutate(
      'orderCancel',
      { orderId, reason: 'changed my mind' },
      { headers: cartHeaders(cartToken) },
    )
    expect(cancelled.payload?.order?.status).toBe('CANCELLED')
    expect(await level()).toEqual(before)
    expect(await booked()).toBe(bookedBefore - 1)
    expect(await ledgerMatchesLevel()).toBe(true)
  })

  it('refuses the shopper once preparation started, but lets staff cancel', async () => {
    await receive(1)
    const { result, cartToken } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variant.gid, quantity: 1 }],
    })
    const orderId = result.order!.id
    await mutate('orderStartPreparing', { orderId }, { token: manager })
    const shopper = await mutate('orderCancel', { orderId }, { headers: cartHeaders(cartToken) })
    expect(shopper.payload?.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION'])
    const staff = await mutate('orderCancel', { orderId, reason: 'damaged' }, { token: manager })
    expect(staff.payload?.order?.status).toBe('CANCELLED')
    const stranger = await mutate('orderCancel', { orderId }, {})
    expect(stranger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})

describe('timers', () => {
  it('cancels unpaid online orders when payment is due and expires ready orders after the hold, releasing stock', async () => {
    await receive(4)
    const before = await level()
    // An online order stuck in PENDING_PAYMENT (as if its authorisation never came).
    const { result: unpaid } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variant.gid, quantity: 1 }],
    })
    await testDb.db
      .updateTable('sales_order')
      .set({ status: 'PENDING_PAYMENT', payment_due_at: new Date(NOW.getTime() + 15 * 60_000) })
      .where('id', '=', rawId(unpaid.order!.id))
      .execute()
    const { result: ready } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variant.gid, quantity: 2 }],
    })
    await mutate('orderStartPreparing', { orderId: ready.order!.id }, { token: manager })
    await mutate('orderMarkReady', { orderId: ready.order!.id }, { token: manager })

    const job = orderTimersJob({ reminderLeadMinutes: 0 })
    const runAt = (at: Date) => inTransaction(testDb.db, (trx) => job.run(trx, at))
    expect((await runAt(new Date(NOW.getTime() + 10 * 60_000))).affected).toBe(0)
    expect((await runAt(new Date(NOW.getTime() + 16 * 60_000))).details).toEqual({
      unpaidCancelled: 1,
      expired: 0,
      reminded: 0,
      authorisationLapsing: 0,
    })
    expect((await runAt(new Date(NOW.getTime() + 73 * 3_600_000))).details).toEqual({
      unpaidCancelled: 0,
      expired: 1,
      reminded: 0,
      authorisationLapsing: 0,
    })

    const statuses = await testDb.db
      .selectFrom('sales_order')
      .select(['id', 'status'])
      .where('id', 'in', [rawId(unpaid.order!.id), rawId(ready.order!.id)])
      .execute()
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
      [rawId(unpaid.order!.id)]: 'CANCELLED',
      [rawId(ready.order!.id)]: 'EXPIRED',
    })
    expect(await level()).toEqual(before)
    expect(await ledgerMatchesLevel()).toBe(true)
  })
})

describe('reading orders', () => {
  it('shows an order to its customer and staff of its store, lists it in me.orders and the store queue by slot', async () => {
    await receive(2)
    const signUp = await api.gql<{ customerSignUp: { accessToken: string } }>(
      'mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken } }',
      { input: { email: 'orders@example.com', password: 'a long and varied secret', name: 'Olga' } },
    )
    const token = signUp.data!.customerSignUp.accessToken
    const { result } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variant.gid, quantity: 1 }],
      token,
    })
    const orderId = result.order!.id
    const mine = await api.gql<{ me: { orders: { edges: { node: { id: string } }[] } } }>(
      '{ me { orders(first: 10) { edges { node { id } } } } }',
      {},
      { token },
    )
    expect(mine.data!.me.orders.edges.map((edge) => edge.node.id)).toEqual([orderId])
    const READ = 'query($id: ID!) { order(id: $id) { id status store { address { line1 } } } }'
    expect((await api.gql<{ order: { id: string } }>(READ, { id: orderId }, { token })).data!.order.id).toBe(orderId)
    expect((await api.gql<{ order: { id: string } }>(READ, { id: orderId }, { token: manager })).data!.order.id).toBe(
      orderId,
    )
    expect((await api.gql(READ, { id: orderId }, { token: otherManager })).data).toEqual({ order: null })
    expect((await api.gql(READ, { id: orderId })).data).toEqual({ order: null })

    const queue = await api.gql<{ storeOrders: { edges: { node: { pickupSlotStart: string; status: string } }[] } }>(
      'query($storeId: ID!) { storeOrders(storeId: $storeId, first: 100) { edges { node { pickupSlotStart status } } } }',
      { storeId: rivoli.gid },
      { token: manager },
    )
    const slots = queue.data!.storeOrders.edges.map((edge) => edge.node.pickupSlotStart)
    expect(slots.length).toBeGreaterThan(0)
    expect(slots).toEqual([...slots].sort())
    expect(new Set(queue.data!.storeOrders.edges.map((edge) => edge.node.status))).not.toContain('COLLECTED')
    const refused = await api.gql(
      'query($storeId: ID!) { storeOrders(storeId: $storeId) { edges { node { id } } } }',
      { storeId: rivoli.gid },
      { token: otherManager },
    )
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
