import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/database.js'
import { readCheckout } from '../../src/modules/checkout/checkout-read.repository.js'
import {
  type CheckoutWrite,
  WRITE_BATCHES_IN_FLIGHT,
  writeCheckout,
  writeCheckoutBatch,
} from '../../src/modules/checkout/checkout-statement.repository.js'
import { ADD_LINES, cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { openAllDay } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const SLOT = new Date('2026-11-24T12:00:00Z')
let testDb: TestDb
let api: TestApp
let storeId: string
let variants: { id: string; gid: string }[]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  storeId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  await openAllDay(testDb.db, storeId, { slotCapacity: 5 })
  const rows = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .orderBy('sku')
    .limit(2)
    .execute()
  variants = rows.map((row) => ({ id: row.id, gid: globalId('Variant', row.id) }))
})
afterAll(() => testDb.destroy())
beforeEach(async () => {
  for (const variant of variants) await setLevel(testDb.db, storeId, variant.id, { on_hand: 5 })
})

/** A cart of one unit of the first variant, and the write a checkout of it would send. */
async function cartAndWrite(quantity = 1, slotCapacity = 5) {
  const { cart, cartToken } = await createCart(api, {
    channel: 'APP',
    lines: [{ variantId: variants[0]!.gid, quantity }],
  })
  const cartId = Buffer.from(cart.id, 'base64').toString().split(':')[1]!
  const read = await readCheckout(testDb.db, cartId, storeId, new Date())
  const orderId = randomUUID()
  const write: CheckoutWrite = {
    cart: { id: cartId, version: read!.version },
    order: {
      id: orderId,
      store_id: storeId,
      cart_id: cartId,
      idempotency_key: `key-${orderId}`,
      channel: 'APP',
      status: 'PLACED',
      payment_mode: 'AT_PICKUP',
      pickup_slot_start: SLOT,
      pickup_slot_end: new Date(SLOT.getTime() + 30 * 60_000),
      currency_code: 'EUR',
      subtotal_minor: 1000,
      tax_minor: 167,
      total_minor: 1000,
    },
    lines: [
      {
        order_id: orderId,
        line_number: 1,
        variant_id: variants[0]!.id,
        sku: 'SKU',
        title: 'Title',
        quantity,
        unit_price_minor: 1000,
        tax_rate_bp: 2000,
      },
    ],
    history: { order_id: orderId, status: 'PLACED', actor_type: 'CUSTOMER', actor_id: null, note: null, at: NOW },
    cartEvent: { cart_id: cartId, customer_id: null, type: 'checked_out', channel: 'APP', payload: { orderId } },
    events: [{ type: 'order.placed', aggregate_type: 'order', aggregate_id: orderId, payload: { orderId } }],
    stock: { storeId, slotStart: SLOT, slotCapacity, lines: [{ variantId: variants[0]!.id, quantity }] },
    promotions: [],
    discounts: [],
  }
  return { cartId, cartToken, write }
}

async function state(cartId: string, orderId: string) {
  const cart = await testDb.db
    .selectFrom('cart')
    .select(['status', 'updated_at'])
    .where('id', '=', cartId)
    .executeTakeFirstOrThrow()
  const level = await testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variants[0]!.id)
    .executeTakeFirstOrThrow()
  const slot = await testDb.db
    .selectFrom('pickup_slot_booking')
    .select('booked')
    .where('store_id', '=', storeId)
    .where('slot_start', '=', SLOT)
    .executeTakeFirst()
  return {
    cart: cart.status,
    cartUpdatedAt: cart.updated_at,
    orders: await rowsWhere('sales_order', 'id', orderId),
    level,
    booked: slot?.booked ?? 0,
    movements: await rowsWhere('stock_movement', 'order_id', orderId),
    lines: await rowsWhere('order_line', 'order_id', orderId),
    history: await rowsWhere('order_status_change', 'order_id', orderId),
    cartEvents: await rowsWhere('cart_event', 'cart_id', cartId),
    orderEvents: await rowsWhere('outbox_event', 'aggregate_id', orderId),
  }
}

/** How many rows of the table have this value in this column. */
async function rowsWhere(table: keyof Database, column: string, value: string): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT count(*) AS count FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${value}`.execute(testDb.db)
  return Number(rows[0]?.count)
}

async function outboxSize(): Promise<number> {
  const { count } = await testDb.db
    .selectFrom('outbox_event')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(count)
}

describe('a checkout written as one statement', () => {
  it('writes nothing when the cart changed since it was read, and everything once it is current', async () => {
    const { cartId, cartToken, write } = await cartAndWrite()
    const added = await api.gql(
      ADD_LINES,
      { input: { cartId: globalId('Cart', cartId), lines: [{ variantId: variants[1]!.gid, quantity: 1 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect(added.errors).toBeUndefined()
    const before = await state(cartId, write.order.id)
    expect(await writeCheckout(testDb.db, write)).toEqual({ kind: 'CART_CHANGED' })
    expect(await state(cartId, write.order.id)).toEqual(before)

    const current = (await readCheckout(testDb.db, cartId, storeId, new Date()))!.version
    const placed = await writeCheckout(testDb.db, { ...write, cart: { id: cartId, version: current } })
    expect(placed).toMatchObject({
      kind: 'PLACED',
      order: { id: write.order.id, number: expect.stringMatching(/^\d{4}$/) },
    })
    expect(await state(cartId, write.order.id)).toEqual({
      cart: 'CHECKED_OUT',
      cartUpdatedAt: expect.any(Date),
      orders: 1,
      level: { on_hand: 5, reserved: before.level.reserved + 1 },
      booked: before.booked + 1,
      movements: 1,
      lines: 1,
      history: 1,
      cartEvents: before.cartEvents + 1,
      orderEvents: 1,
    })
    // The same version again: the cart is no longer the one read.
    expect(await writeCheckout(testDb.db, { ...write, cart: { id: cartId, version: current } })).toEqual({
      kind: 'CART_CHANGED',
    })
  })

  it('undoes the closed cart and everything else when stock is short, and says what is left', async () => {
    const { cartId, write } = await cartAndWrite(4)
    await setLevel(testDb.db, storeId, variants[0]!.id, { on_hand: 5, reserved: 2 })
    const before = await state(cartId, write.order.id)
    const outboxBefore = await outboxSize()
    const short = await writeCheckout(testDb.db, write)
    expect(short).toEqual({ kind: 'INSUFFICIENT_STOCK', available: new Map([[variants[0]!.id, 3]]) })
    expect(await state(cartId, write.order.id)).toEqual({ ...before, cart: 'ACTIVE' })
    expect(await outboxSize()).toBe(outboxBefore)
  })

  it('undoes everything when the slot is full', async () => {
    const { cartId, write } = await cartAndWrite()
    await testDb.db
      .insertInto('pickup_slot_booking')
      .values({ store_id: storeId, slot_start: SLOT, booked: 5 })
      .onConflict((oc) => oc.columns(['store_id', 'slot_start']).doUpdateSet({ booked: 5 }))
      .execute()
    const before = await state(cartId, write.order.id)
    const outboxBefore = await outboxSize()
    expect(await writeCheckout(testDb.db, write)).toEqual({ kind: 'SLOT_FULL' })
    expect(await state(cartId, write.order.id)).toEqual({ ...before, cart: 'ACTIVE' })
    expect(await outboxSize()).toBe(outboxBefore)
    await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
  })

  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'keeps working on connections that prepared it when a migration adds a column to orders',
    async () => {
      for (let round = 0; round < 2; round++) {
        const { write } = await cartAndWrite()
        expect(await writeCheckout(testDb.db, write)).toMatchObject({ kind: 'PLACED' })
        if (round === 0) await sql`ALTER TABLE sales_order ADD COLUMN added_later integer`.execute(testDb.db)
      }
    },
  )
})

describe('checkouts written in one batch', () => {
  it('answers each write on its own: later writes see what earlier ones took, refused ones leave no trace', async () => {
    const placedFirst = await cartAndWrite(1)
    const stale = await cartAndWrite(1)
    const tooMany = await cartAndWrite(5)
    const slotFull = await cartAndWrite(1)
    const placedLast = await cartAndWrite(1)
    const before = await Promise.all(
      [stale, tooMany, slotFull].map(({ cartId, write }) => state(cartId, write.order.id)),
    )
    const levelBefore = before[0]!.level

    const results = await writeCheckoutBatch(testDb.db, [
      placedFirst.write,
      { ...stale.write, cart: { id: stale.cartId, version: '1' } },
      // 5 were available when the batch began; the first write of the batch took one.
      tooMany.write,
      { ...slotFull.write, stock: { ...slotFull.write.stock, slotCapacity: 0 } },
      placedLast.write,
    ])

    expect(results.map((result) => result.kind)).toEqual([
      'PLACED',
      'CART_CHANGED',
      'INSUFFICIENT_STOCK',
      'SLOT_FULL',
      'PLACED',
    ])
    expect(results[2]).toEqual({ kind: 'INSUFFICIENT_STOCK', available: new Map([[variants[0]!.id, 4]]) })
    const [first, , , , last] = results
    if (first?.kind !== 'PLACED' || last?.kind !== 'PLACED') throw new Error('expected two placed orders')
    expect(Number(last.order.number)).toBe(Number(first.order.number) + 1)
    expect(first.order).toMatchObject({ id: placedFirst.write.order.id, cart_id: placedFirst.cartId, status: 'PLACED' })
    expect(first.order.created_at).toBeInstanceOf(Date)
    expect(first.order.pickup_slot_start).toEqual(SLOT)

    for (const [index, { cartId, write }] of [stale, tooMany, slotFull].entries()) {
      expect(await state(cartId, write.order.id)).toEqual({
        ...before[index],
        level: { on_hand: 5, reserved: levelBefore.reserved + 2 },
        booked: before[index]!.booked + 2,
      })
    }
    expect(await state(placedLast.cartId, placedLast.write.order.id)).toMatchObject({
      cart: 'CHECKED_OUT',
      orders: 1,
      movements: 1,
      lines: 1,
      history: 1,
      orderEvents: 1,
    })
    await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
  })

  it('closes a cart once when the same write comes twice in a batch', async () => {
    const { cartId, write } = await cartAndWrite(1)
    const results = await writeCheckoutBatch(testDb.db, [
      write,
      { ...write, order: { ...write.order, id: randomUUID() } },
    ])
    expect(results.map((result) => result.kind)).toEqual(['PLACED', 'CART_CHANGED'])
    expect(await testDb.db.selectFrom('sales_order').select('id').where('cart_id', '=', cartId).execute()).toEqual([
      { id: write.order.id },
    ])
    await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
  })

  it('fails only the write at fault when a batch breaks a constraint', async () => {
    // Units and places for all of them, whichever batches they end up in and in whatever order a
    // broken batch's writes are resent: the faulty write must reach its insert, not stop short.
    await setLevel(testDb.db, storeId, variants[0]!.id, { on_hand: 10 })
    const first = await cartAndWrite(1, 10)
    expect(await writeCheckout(testDb.db, first.write)).toMatchObject({ kind: 'PLACED' })
    const fillers = []
    for (let filler = 0; filler < WRITE_BATCHES_IN_FLIGHT; filler++) fillers.push(await cartAndWrite(1, 10))
    const faulty = await cartAndWrite(1, 10)
    const fine = await cartAndWrite(1, 10)
    // The first filler goes out alone; behind it the calls go out in batches of two or more
    // (growing while busy), so the faulty write, which reuses the id of the order placed first,
    // shares its batch with another write, and that batch fails as a whole.
    const settled = await Promise.allSettled([
      ...fillers.map(({ write }) => writeCheckout(testDb.db, write)),
      writeCheckout(testDb.db, { ...faulty.write, order: { ...faulty.write.order, id: first.write.order.id } }),
      writeCheckout(testDb.db, fine.write),
    ])

    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value.kind : 'rejected'))).toEqual([
      ...fillers.map(() => 'PLACED'),
      'rejected',
      'PLACED',
    ])
    expect(await state(faulty.cartId, randomUUID())).toMatchObject({ cart: 'ACTIVE', orders: 0 })
    expect(await state(fine.cartId, fine.write.order.id)).toMatchObject({ cart: 'CHECKED_OUT', orders: 1 })
    await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
  })
})
