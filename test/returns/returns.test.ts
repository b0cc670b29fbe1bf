import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { openAllDay, placeOrder, staffMutation } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let bellecour: { id: string; gid: string }
let variant: { id: string; gid: string; sku: string; price: number }
let rivoliManager: string
let bellecourManager: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  bellecour = { id: bellecourId, gid: globalId('Store', bellecourId) }
  await openAllDay(testDb.db, rivoliId, { slotCapacity: 50 })
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'sku', 'price_minor'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { id: row.id, gid: globalId('Variant', row.id), sku: row.sku, price: row.price_minor }
  await setLevel(testDb.db, rivoliId, row.id, { on_hand: 20 })
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  bellecourManager = await api.signInStaff('manager.lyo-bellecour@comptoir.dev')
})
afterAll(() => testDb.destroy())

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

async function collectedOrder(paymentMode: 'AT_PICKUP' | 'ONLINE', quantity: number) {
  const { result } = await placeOrder(api, {
    storeGid: rivoli.gid,
    lines: [{ variantId: variant.gid, quantity }],
    paymentMode,
  })
  const orderId = result.order!.id
  const run = staffMutation(api, rivoliManager)
  await run('orderStartPreparing', { orderId })
  await run('orderMarkReady', { orderId })
  const payment = paymentMode === 'AT_PICKUP' ? { method: 'CASH', amountTendered: '1000.00' } : undefined
  const collected = await run('orderCollect', { orderId, pickupCode: result.pickupCode, payment })
  expect(collected.data!.orderCollect!.userErrors).toEqual([])
  return orderId
}

const RETURN = `mutation($input: PosReturnCreateInput!) {
  posReturnCreate(input: $input) {
    return { refundTo refundStatus amount { amountMinor } store { code } }
    order { payments { provider status captured { amountMinor } refunded { amountMinor } } }
    userErrors { code field }
  }
}`
type ReturnPayload = {
  return: { refundTo: string; refundStatus: string; amount: { amountMinor: number }; store: { code: string } } | null
  order: {
    payments: {
      provider: string
      status: string
      captured: { amountMinor: number }
      refunded: { amountMinor: number }
    }[]
  } | null
  userErrors: { code: string; field: string[] }[]
}

async function level(storeId: string) {
  return (
    (
      await testDb.db
        .selectFrom('inventory_level')
        .select('on_hand')
        .where('store_id', '=', storeId)
        .where('variant_id', '=', variant.id)
        .executeTakeFirst()
    )?.on_hand ?? 0
  )
}

describe('returns in any store', () => {
  it('takes back part of a collected order in another store, refunds cash, and never more than was bought', async () => {
    const orderId = await collectedOrder('AT_PICKUP', 3)
    const before = await level(bellecour.id)
    const returned = await api.gql<{ posReturnCreate: ReturnPayload }>(
      RETURN,
      { input: { orderId, lines: [{ sku: variant.sku, quantity: 2 }], refundTo: 'CASH' } },
      { token: bellecourManager },
    )
    const payload = returned.data!.posReturnCreate
    expect(payload.userErrors).toEqual([])
    expect(payload.return).toEqual({
      refundTo: 'CASH',
      refundStatus: 'REFUNDED',
      amount: { amountMinor: variant.price * 2 },
      store: { code: 'LYO-BELLECOUR' },
    })
    // Staff of another store take the goods back but do not see the order itself (store scope).
    expect(payload.order).toBeNull()
    const refund = await testDb.db
      .selectFrom('payment')
      .select(['provider', 'status', 'captured_minor', 'refunded_minor'])
      .where('order_id', '=', rawId(orderId))
      .where('status', '=', 'REFUNDED')
      .executeTakeFirstOrThrow()
    expect(refund).toEqual({
      provider: 'CASH',
      status: 'REFUNDED',
      captured_minor: variant.price * 2,
      refunded_minor: variant.price * 2,
    })
    expect(await level(bellecour.id)).toBe(before + 2)
    const movement = await testDb.db
      .selectFrom('stock_movement')
      .select(['reason', 'on_hand_delta'])
      .where('order_id', '=', rawId(orderId))
      .where('store_id', '=', bellecour.id)
      .executeTakeFirstOrThrow()
    expect(movement).toEqual({ reason: 'RETURN', on_hand_delta: 2 })

    const tooMany = await api.gql<{ posReturnCreate: ReturnPayload }>(
      RETURN,
      { input: { orderId, lines: [{ sku: variant.sku, quantity: 2 }], refundTo: 'CASH' } },
      { token: rivoliManager },
    )
    expect(tooMany.data!.posReturnCreate.userErrors).toEqual([
      { code: 'RETURN_EXCEEDS_PURCHASE', field: ['lines', '0', 'quantity'] },
    ])
    expect(await level(bellecour.id)).toBe(before + 2)
    const unknown = await api.gql<{ posReturnCreate: ReturnPayload }>(
      RETURN,
      { input: { orderId, lines: [{ sku: 'NOPE', quantity: 1 }], refundTo: 'CASH' } },
      { token: rivoliManager },
    )
    expect(unknown.data!.posReturnCreate.userErrors.map((e) => e.code)).toEqual(['UNKNOWN_LINE'])
  })

  it('refunds the original card payment of an online order', async () => {
    const orderId = await collectedOrder('ONLINE', 2)
    const returned = await api.gql<{ posReturnCreate: ReturnPayload }>(
      RETURN,
      { input: { orderId, lines: [{ sku: variant.sku, quantity: 1 }], refundTo: 'ORIGINAL' } },
      { token: rivoliManager },
    )
    const payload = returned.data!.posReturnCreate
    expect(payload.return).toMatchObject({ refundTo: 'ORIGINAL', refundStatus: 'REFUNDED' })
    expect(payload.order!.payments).toEqual([
      {
        provider: 'OFFLINE',
        status: 'CAPTURED',
        captured: { amountMinor: variant.price * 2 },
        refunded: { amountMinor: variant.price },
      },
    ])
  })

  it('refuses an order not collected yet, and callers who are not staff', async () => {
    const { result } = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: variant.gid, quantity: 1 }] })
    const input = { orderId: result.order!.id, lines: [{ sku: variant.sku, quantity: 1 }], refundTo: 'CASH' }
    const early = await api.gql<{ posReturnCreate: ReturnPayload }>(RETURN, { input }, { token: rivoliManager })
    expect(early.data!.posReturnCreate.userErrors.map((e) => e.code)).toEqual(['ORDER_NOT_RETURNABLE'])
    const anonymous = await api.gql(RETURN, { input })
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const returns = await testDb.db
      .selectFrom('order_return')
      .select(sql<string>`count(*)::text`.as('n'))
      .where('order_id', '=', rawId(result.order!.id))
      .executeTakeFirstOrThrow()
    expect(returns.n).toBe('0')
  })

  it('asks an admin to name the store, and answers NOT_FOUND for an order that does not exist', async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const orderId = await collectedOrder('AT_PICKUP', 1)
    const lines = [{ sku: variant.sku, quantity: 1 }]
    const nowhere = await api.gql(RETURN, { input: { orderId, lines, refundTo: 'CASH' } }, { token: admin })
    expect(nowhere.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const ghost = globalId('Order', '00000000-0000-4000-8000-000000000000')
    const unknown = await api.gql(
      RETURN,
      { input: { orderId: ghost, lines, refundTo: 'CASH' } },
      { token: rivoliManager },
    )
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', typename: 'Order' })
    const returns = await testDb.db
      .selectFrom('order_return')
      .select('id')
      .where('order_id', '=', rawId(orderId))
      .execute()
    expect(returns).toEqual([])
  })
})
