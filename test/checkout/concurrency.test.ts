import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb } from '../../src/db/create-db.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type GraphQLResponse, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Checkout under real concurrency: every test fires its requests with Promise.all. On PostgreSQL
 * the test database pool has 20 connections, so the transactions truly interleave and race for
 * the same stock, slot and counter rows; on the embedded database they queue on its one
 * connection, and the same invariants must hold.
 */

let testDb: TestDb
let api: TestApp
let variantIds: string[]

// 2026-11-24 is a Tuesday; 08:00 UTC is 09:00 in Paris, where the seeded stores are.
const NOW = new Date('2026-11-24T08:00:00Z')
const ALL_DAY = [{ opens: '00:00', closes: '23:59' }]
const OPEN_EVERY_DAY = JSON.stringify({
  mon: ALL_DAY,
  tue: ALL_DAY,
  wed: ALL_DAY,
  thu: ALL_DAY,
  fri: ALL_DAY,
  sat: ALL_DAY,
  sun: ALL_DAY,
})
const PLENTY = 10_000

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date(NOW) })
  const rows = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(8)
    .execute()
  variantIds = rows.map((row) => row.id)
  expect(variantIds).toHaveLength(8)
})
afterAll(() => testDb.destroy())

const CHECKOUT = `mutation($input: CheckoutPlaceOrderInput!) {
  checkoutPlaceOrder(input: $input) { order { id } pickupCode userErrors { code field message } }
}`

interface CheckoutPayload {
  order: { id: string } | null
  pickupCode: string | null
  userErrors: { code: string; field: string[] | null; message: string }[]
}
type CheckoutResponse = GraphQLResponse<{ checkoutPlaceOrder: CheckoutPayload }>

interface TestCart {
  /** Global ID, as the API takes it. */
  id: string
  rawId: string
  token: string
}

/** A store open every day, all day, with its bookings cleared and this slot capacity. */
async function prepareStore(code: string, slotCapacity: number): Promise<{ storeId: string; storeGid: string }> {
  const storeId = await storeIdByCode(testDb.db, code)
  await testDb.db
    .updateTable('store')
    .set({ opening_hours: OPEN_EVERY_DAY, slot_capacity: slotCapacity })
    .where('id', '=', storeId)
    .execute()
  await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
  return { storeId, storeGid: globalId('Store', storeId) }
}

/** The first slot the API offers with a place left. */
async function firstSlot(storeGid: string): Promise<string> {
  const result = await api.gql<{ pickupSlots: { start: string; remaining: number }[] }>(
    'query($storeId: ID!) { pickupSlots(storeId: $storeId, days: 1) { start remaining } }',
    { storeId: storeGid },
  )
  expect(result.errors).toBeUndefined()
  const slot = result.data!.pickupSlots.find((candidate) => candidate.remaining > 0)
  if (!slot) throw new Error(`no pickup slot: ${JSON.stringify(result)}`)
  return slot.start
}

/**
 * Puts the level in a known state through the ledger: a correction movement brings the sums of
 * the pair's movements to exactly the new level, so that afterwards ledger = level can be checked
 * absolutely.
 */
async function arrangeLevel(storeId: string, variantId: string, onHand: number): Promise<void> {
  await testDb.db.transaction().execute(async (trx) => {
    const sums = await ledgerSums(trx, storeId, variantId)
    const onHandDelta = onHand - sums.onHand
    const reservedDelta = -sums.reserved
    if (onHandDelta !== 0 || reservedDelta !== 0) {
      await trx
        .insertInto('stock_movement')
        .values({
          store_id: storeId,
          variant_id: variantId,
          on_hand_delta: onHandDelta,
          reserved_delta: reservedDelta,
          reason: 'ADJUSTMENT_COUNT_CORRECTION',
          order_id: null,
          actor_type: 'SYSTEM',
          actor_id: null,
          reference: 'test arrangement',
          note: null,
        })
        .execute()
    }
    await setLevel(trx, storeId, variantId, { on_hand: onHand, reserved: 0, safety_stock: 0 })
  })
}

async function ledgerSums(db: TestDb['db'], storeId: string, variantId: string) {
  const row = await db
    .selectFrom('stock_movement')
    .select([
      sql<string>`coalesce(sum(on_hand_delta), 0)`.as('on_hand'),
      sql<string>`coalesce(sum(reserved_delta), 0)`.as('reserved'),
    ])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return { onHand: Number(row.on_hand), reserved: Number(row.reserved) }
}

async function level(storeId: string, variantId: string) {
  const row = await testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return { onHand: row.on_hand, reserved: row.reserved }
}

async function expectLedgerMatchesLevel(storeId: string, variantId: string): Promise<void> {
  const current = await level(storeId, variantId)
  expect(await ledgerSums(testDb.db, storeId, variantId)).toEqual(current)
}

/** An anonymous cart made through cartCreate, with these lines in this order. */
async function newCart(lines: { variantId: string; quantity: number }[]): Promise<TestCart> {
  const { cart, cartToken } = await createCart(api, {
    channel: 'WEB',
    lines: lines.map((line) => ({ variantId: globalId('Variant', line.variantId), quantity: line.quantity })),
  })
  expect(cart.lines.map((line) => line.quantity)).toEqual(lines.map((line) => line.quantity))
  return { id: cart.id, rawId: Buffer.from(cart.id, 'base64').toString().split(':')[1]!, token: cartToken }
}

function checkout(cart: TestCart, storeGid: string, pickupSlotStart: string, idempotencyKey: string) {
  return api.gql<{ checkoutPlaceOrder: CheckoutPayload }>(
    CHECKOUT,
    { input: { cartId: cart.id, storeId: storeGid, pickupSlotStart, paymentMode: 'AT_PICKUP', idempotencyKey } },
    { headers: cartHeaders(cart.token) },
  )
}

function payloadsOf(responses: CheckoutResponse[]): CheckoutPayload[] {
  // Nothing may surface as a GraphQL error (CONFLICT after a lock timeout, INTERNAL after a deadlock…).
  expect(responses.flatMap((response) => response.errors ?? [])).toEqual([])
  return responses.map((response) => response.data!.checkoutPlaceOrder)
}

async function ordersOfCarts(carts: TestCart[]) {
  return testDb.db
    .selectFrom('sales_order')
    .select(['id', 'cart_id', 'status'])
    .where(
      'cart_id',
      'in',
      carts.map((cart) => cart.rawId),
    )
    .execute()
}

describe('checkout under concurrent requests', () => {
  it('never oversells: 50 checkouts of 1 unit against 10 available make exactly 10 orders', async () => {
    const { storeId, storeGid } = await prepareStore('PAR-RIVOLI', 1000)
    const variantId = variantIds[0]!
    await arrangeLevel(storeId, variantId, 10)
    const slot = await firstSlot(storeGid)
    const carts: TestCart[] = []
    for (let i = 0; i < 50; i++) carts.push(await newCart([{ variantId, quantity: 1 }]))

    const payloads = payloadsOf(
      await Promise.all(carts.map((cart) => checkout(cart, storeGid, slot, `oversell-${randomUUID()}`))),
    )

    const placed = payloads.filter((payload) => payload.order !== null)
    const refused = payloads.filter((payload) => payload.order === null)
    expect(placed).toHaveLength(10)
    expect(placed.every((payload) => payload.userErrors.length === 0 && /^\d{6}$/.test(payload.pickupCode ?? ''))).toBe(
      true,
    )
    expect(refused).toHaveLength(40)
    for (const payload of refused) {
      expect(payload.userErrors.map((error) => [error.code, error.field])).toEqual([
        ['INSUFFICIENT_STOCK', ['lines', '0']],
      ])
      expect(payload.pickupCode).toBeNull()
    }

    const orders = await ordersOfCarts(carts)
    expect(orders).toHaveLength(10)
    expect(new Set(orders.map((order) => order.id))).toEqual(
      new Set(placed.map((payload) => Buffer.from(payload.order!.id, 'base64').toString().split(':')[1])),
    )
    expect(await level(storeId, variantId)).toEqual({ onHand: 10, reserved: 10 })
    await expectLedgerMatchesLevel(storeId, variantId)
    const reservations = await testDb.db
      .selectFrom('stock_movement')
      .select(['order_id', 'on_hand_delta', 'reserved_delta'])
      .where('store_id', '=', storeId)
      .where('variant_id', '=', variantId)
      .where('reason', '=', 'RESERVATION')
      .execute()
    expect(reservations).toHaveLength(10)
    expect(reservations.every((row) => row.on_hand_delta === 0 && row.reserved_delta === 1)).toBe(true)
    expect(new Set(reservations.map((row) => row.order_id))).toEqual(new Set(orders.map((order) => order.id)))
  })

  it('never deadlocks: carts holding two variants in opposite orders all check out', async () => {
    const { storeId, storeGid } = await prepareStore('PAR-OBERKAMPF', 1000)
    const [a, b] = [variantIds[1]!, variantIds[2]!]
    await arrangeLevel(storeId, a, PLENTY)
    await arrangeLevel(storeId, b, PLENTY)
    const slot = await firstSlot(storeGid)
    // A×1 + B×2 in one order of lines, B×2 + A×1 in the other.
    const carts: TestCart[] = []
    for (let i = 0; i < 40; i++) {
      const lines = [
        { variantId: a, quantity: 1 },
        { variantId: b, quantity: 2 },
      ]
      carts.push(await newCart(i % 2 === 0 ? lines : lines.reverse()))
    }

    // All 40 at once, more than the pool's 20 connections: locks are taken while others queue.
    const payloads = payloadsOf(
      await Promise.all(carts.map((cart) => checkout(cart, storeGid, slot, `deadlock-${randomUUID()}`))),
    )

    expect(payloads.filter((payload) => payload.order === null || payload.userErrors.length > 0)).toEqual([])
    expect(await ordersOfCarts(carts)).toHaveLength(40)
    expect(await level(storeId, a)).toEqual({ onHand: PLENTY, reserved: 40 })
    expect(await level(storeId, b)).toEqual({ onHand: PLENTY, reserved: 80 })
    await expectLedgerMatchesLevel(storeId, a)
    await expectLedgerMatchesLevel(storeId, b)
  })

  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'never deadlocks across servers: two pools batching carts of two stores in opposite orders',
    async () => {
      // Each server (pool) sends its checkouts in batches; two servers' batches race for the
      // same carts' stock, slots and counters of both stores, in every order the carts give.
      const second = await createDb({ kind: 'postgres', url: testDb.url!, poolMax: 5 })
      try {
        const otherApi = createTestApp({ ...testDb, db: second }, { now: () => new Date(NOW) })
        const stores = [await prepareStore('LYO-PART-DIEU', 1000), await prepareStore('LYO-CROIX-ROUSSE', 1000)]
        const [a, b] = [variantIds[5]!, variantIds[6]!]
        for (const { storeId } of stores) {
          await arrangeLevel(storeId, a, PLENTY)
          await arrangeLevel(storeId, b, PLENTY)
        }
        const slots = await Promise.all(stores.map(({ storeGid }) => firstSlot(storeGid)))
        const carts: { cart: TestCart; store: number }[] = []
        for (let i = 0; i < 40; i++) {
          const lines = [
            { variantId: a, quantity: 1 },
            { variantId: b, quantity: 1 },
          ]
          carts.push({ cart: await newCart(i % 2 === 0 ? lines : lines.reverse()), store: (i >> 1) % 2 })
        }

        const responses = await Promise.all(
          carts.map(({ cart, store }, index) =>
            (index % 2 === 0 ? api : otherApi).gql<{ checkoutPlaceOrder: CheckoutPayload }>(
              CHECKOUT,
              {
                input: {
                  cartId: cart.id,
                  storeId: stores[store]!.storeGid,
                  pickupSlotStart: slots[store],
                  paymentMode: 'AT_PICKUP',
                  idempotencyKey: `servers-${randomUUID()}`,
                },
              },
              { headers: cartHeaders(cart.token) },
            ),
          ),
        )

        const payloads = payloadsOf(responses)
        expect(payloads.filter((payload) => payload.order === null || payload.userErrors.length > 0)).toEqual([])
        expect(await ordersOfCarts(carts.map(({ cart }) => cart))).toHaveLength(40)
        for (const { storeId } of stores) {
          expect(await level(storeId, a)).toEqual({ onHand: PLENTY, reserved: 20 })
          expect(await level(storeId, b)).toEqual({ onHand: PLENTY, reserved: 20 })
          await expectLedgerMatchesLevel(storeId, a)
          await expectLedgerMatchesLevel(storeId, b)
        }
      } finally {
        await second.destroy()
      }
    },
  )

  it('never deadlocks with the till: checkouts and cash sales of the same two variants, in opposite orders', async () => {
    // A till sale locks its stock rows (sorted) and then the store's order counter; a checkout
    // batch must take the stock rows before the counter too, whatever the order of its lines.
    // Forty of each: with twenty, the two rarely overlapped enough to show a wrong order.
    const SALES = 40
    const { storeId, storeGid } = await prepareStore('PAR-RIVOLI', 1000)
    const [a, b] = [variantIds[6]!, variantIds[7]!].sort()
    await arrangeLevel(storeId, a!, PLENTY)
    await arrangeLevel(storeId, b!, PLENTY)
    const slot = await firstSlot(storeGid)
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const registered = await api.gql<{ posTerminalRegister: { terminalKey: string } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
      { input: { storeId: storeGid, label: 'Race till' } },
      { token: manager },
    )
    const till = registered.data!.posTerminalRegister.terminalKey
    const carts: TestCart[] = []
    for (let i = 0; i < SALES; i++) {
      carts.push(
        await newCart([
          { variantId: b!, quantity: 1 },
          { variantId: a!, quantity: 1 },
        ]),
      )
    }
    const sale = (index: number) =>
      api.gql<{ posSaleCreate: { order: { id: string } | null; userErrors: unknown[] } }>(
        `mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { order { id } userErrors { code } } }`,
        {
          input: {
            lines: [
              { variantId: globalId('Variant', a!), quantity: 1 },
              { variantId: globalId('Variant', b!), quantity: 1 },
            ],
            payment: { method: 'CASH', amountTendered: '100000.00' },
            idempotencyKey: `race-till-${index}-${randomUUID()}`,
          },
        },
        { token: till },
      )

    const [checkouts, sales] = await Promise.all([
      Promise.all(carts.map((cart) => checkout(cart, storeGid, slot, `till-race-${randomUUID()}`))),
      Promise.all(Array.from({ length: SALES }, (_, index) => sale(index))),
    ])

    expect(payloadsOf(checkouts).filter((payload) => payload.order === null)).toEqual([])
    expect(sales.flatMap((response) => response.errors ?? [])).toEqual([])
    expect(sales.filter((response) => !response.data?.posSaleCreate.order)).toEqual([])
    for (const variantId of [a!, b!]) {
      expect(await level(storeId, variantId)).toEqual({ onHand: PLENTY - SALES, reserved: SALES })
      await expectLedgerMatchesLevel(storeId, variantId)
    }
  })

  it('never overbooks a slot: 10 checkouts for a slot of 3 make 3 orders and leave no stock behind', async () => {
    const { storeId, storeGid } = await prepareStore('PAR-RENNES', 3)
    const variantId = variantIds[3]!
    await arrangeLevel(storeId, variantId, PLENTY)
    const slot = await firstSlot(storeGid)
    const carts: TestCart[] = []
    for (let i = 0; i < 10; i++) carts.push(await newCart([{ variantId, quantity: 2 }]))

    const payloads = payloadsOf(
      await Promise.all(carts.map((cart) => checkout(cart, storeGid, slot, `slot-${randomUUID()}`))),
    )

    const placed = payloads.filter((payload) => payload.order !== null)
    const refused = payloads.filter((payload) => payload.order === null)
    expect(placed).toHaveLength(3)
    expect(refused).toHaveLength(7)
    for (const payload of refused) {
      expect(payload.userErrors.map((error) => [error.code, error.field])).toEqual([['SLOT_FULL', ['pickupSlotStart']]])
    }
    expect(await ordersOfCarts(carts)).toHaveLength(3)
    const booking = await testDb.db
      .selectFrom('pickup_slot_booking')
      .select(['booked'])
      .where('store_id', '=', storeId)
      .where('slot_start', '=', new Date(slot))
      .executeTakeFirstOrThrow()
    expect(booking.booked).toBe(3)
    // The seven refused checkouts had reserved their stock before finding the slot full: rolled back.
    expect(await level(storeId, variantId)).toEqual({ onHand: PLENTY, reserved: 3 * 2 })
    await expectLedgerMatchesLevel(storeId, variantId)
    const remaining = await api.gql<{ pickupSlots: { start: string; remaining: number }[] }>(
      'query($storeId: ID!) { pickupSlots(storeId: $storeId, days: 1) { start remaining } }',
      { storeId: storeGid },
    )
    expect(remaining.data!.pickupSlots.find((candidate) => candidate.start === slot)?.remaining).toBe(0)
  })

  it('places one order for ten parallel retries of the same cart and key', async () => {
    const { storeId, storeGid } = await prepareStore('LYO-BELLECOUR', 1000)
    const variantId = variantIds[4]!
    await arrangeLevel(storeId, variantId, PLENTY)
    const slot = await firstSlot(storeGid)
    const cart = await newCart([{ variantId, quantity: 3 }])
    const key = `retry-${randomUUID()}`

    const payloads = payloadsOf(
      await Promise.all(Array.from({ length: 10 }, () => checkout(cart, storeGid, slot, key))),
    )

    expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([])
    const orderIds = new Set(payloads.map((payload) => payload.order?.id))
    expect(orderIds.size).toBe(1)
    expect([...orderIds][0]).toBeTruthy()
    expect(payloads.filter((payload) => payload.pickupCode !== null)).toHaveLength(1)
    const orders = await ordersOfCarts([cart])
    expect(orders).toHaveLength(1)
    expect(globalId('Order', orders[0]!.id)).toBe([...orderIds][0])
    expect(await level(storeId, variantId)).toEqual({ onHand: PLENTY, reserved: 3 })
    await expectLedgerMatchesLevel(storeId, variantId)
    const booking = await testDb.db
      .selectFrom('pickup_slot_booking')
      .select(['booked'])
      .where('store_id', '=', storeId)
      .where('slot_start', '=', new Date(slot))
      .executeTakeFirstOrThrow()
    expect(booking.booked).toBe(1)
  })
})
