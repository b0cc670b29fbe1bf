import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { CHECKOUT, checkout, firstSlot, openAllDay, placeOrder } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let variants: { id: string; gid: string; price: number; sku: string }[]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id, { slotCapacity: 100 })
  const rows = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor', 'sku'])
    .where('active', '=', true)
    .orderBy('sku')
    .limit(3)
    .execute()
  variants = rows.map((row) => ({ id: row.id, gid: globalId('Variant', row.id), price: row.price_minor, sku: row.sku }))
  for (const variant of variants) await setLevel(testDb.db, id, variant.id, { on_hand: 20 })
})
afterAll(() => testDb.destroy())

async function level(variantId: string, storeId = rivoli.id) {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
}

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

describe('checkoutPlaceOrder, pay at pickup', () => {
  it('reserves the stock, books the slot, snapshots the lines and checks the cart out, in one go', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    const before = { a: await level(a.id), b: await level(b.id) }
    const { result, cart } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [
        { variantId: a.gid, quantity: 2 },
        { variantId: b.gid, quantity: 1 },
      ],
    })
    expect(result.userErrors).toEqual([])
    const order = result.order!
    expect(order).toMatchObject({
      status: 'PLACED',
      channel: 'APP',
      paymentMode: 'AT_PICKUP',
      store: { code: 'PAR-RIVOLI' },
    })
    expect(order.number).toMatch(/^\d{4,}$/)
    expect(result.pickupCode).toMatch(/^\d{6}$/)
    expect(order.pickupPass).toMatch(/^CP1\./)
    expect(order.lines.map((line) => [line.sku, line.quantity])).toEqual([
      [a.sku, 2],
      [b.sku, 1],
    ])
    expect(order.total.amountMinor).toBe(a.price * 2 + b.price)
    expect(order.history.map((entry) => entry.status)).toEqual(['PLACED'])
    expect(await level(a.id)).toEqual({ on_hand: before.a.on_hand, reserved: before.a.reserved + 2 })
    expect(await level(b.id)).toEqual({ on_hand: before.b.on_hand, reserved: before.b.reserved + 1 })

    const orderId = rawId(order.id)
    const movements = await testDb.db
      .selectFrom('stock_movement')
      .select(['reason', 'reserved_delta'])
      .where('order_id', '=', orderId)
      .execute()
    expect(movements.map((m) => [m.reason, m.reserved_delta]).sort()).toEqual([
      ['RESERVATION', 1],
      ['RESERVATION', 2],
    ])
    const row = await testDb.db
      .selectFrom('sales_order')
      .selectAll()
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(row.pickup_code_hash).not.toContain(result.pickupCode!)
    const booking = await testDb.db
      .selectFrom('pickup_slot_booking')
      .select('booked')
      .where('store_id', '=', rivoli.id)
      .where('slot_start', '=', new Date(order.pickupSlotStart))
      .executeTakeFirstOrThrow()
    expect(booking.booked).toBeGreaterThanOrEqual(1)
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', orderId)
      .execute()
    expect(events.map((event) => event.type)).toEqual(['order.placed'])
    const cartRow = await testDb.db
      .selectFrom('cart')
      .select('status')
      .where('id', '=', rawId(cart.id))
      .executeTakeFirstOrThrow()
    expect(cartRow.status).toBe('CHECKED_OUT')
  })

  it('returns the same order for the same cart and key, and refuses another key', async () => {
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [{ variantId: variants[0]!.gid, quantity: 1 }],
    })
    const slot = await firstSlot(api, rivoli.gid)
    const input = { cartId: cart.id, storeId: rivoli.gid, pickupSlotStart: slot, idempotencyKey: 'retry-1234' }
    const first = await checkout(api, input, cartHeaders(cartToken))
    const again = await checkout(api, input, cartHeaders(cartToken))
    expect(again.order!.id).toBe(first.order!.id)
    expect(again.pickupCode).toBeNull()
    const other = await checkout(api, { ...input, idempotencyKey: 'another-5678' }, cartHeaders(cartToken))
    expect(other.userErrors.map((e) => e.code)).toEqual(['CART_NOT_ACTIVE'])
  })

  it('answers INSUFFICIENT_STOCK naming the short line and the nearest stores that have it all, changing nothing', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    await setLevel(testDb.db, rivoli.id, a.id, { on_hand: 1 })
    const rennes = await storeIdByCode(testDb.db, 'PAR-RENNES')
    const oberkampf = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
    await setLevel(testDb.db, rennes, a.id, { on_hand: 10 })
    await setLevel(testDb.db, rennes, b.id, { on_hand: 10 })
    await setLevel(testDb.db, oberkampf, a.id, { on_hand: 0 })
    const before = await level(b.id)
    const { result } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [
        { variantId: b.gid, quantity: 1 },
        { variantId: a.gid, quantity: 3 },
      ],
    })
    expect(result.order).toBeNull()
    expect(result.userErrors).toEqual([
      {
        code: 'INSUFFICIENT_STOCK',
        field: ['lines', '1'],
        message: `Only 1 of ${a.sku} available in this store; 3 requested.`,
      },
    ])
    const alternatives = result.alternativeStores.map((store) => store.code)
    expect(alternatives).toContain('PAR-RENNES')
    expect(alternatives).not.toContain('PAR-OBERKAMPF')
    expect(alternatives).not.toContain('PAR-RIVOLI')
    // The line that was available is not left reserved.
    expect(await level(b.id)).toEqual(before)
    await setLevel(testDb.db, rivoli.id, a.id, { on_hand: 20 })
  })

  it('refuses an empty cart, a time too soon, an unaligned time, a full slot and a foreign cart', async () => {
    const empty = await createCart(api, { channel: 'WEB' })
    const slot = await firstSlot(api, rivoli.gid)
    const emptyResult = await checkout(
      api,
      { cartId: empty.cart.id, storeId: rivoli.gid, pickupSlotStart: slot },
      cartHeaders(empty.cartToken),
    )
    expect(emptyResult.userErrors.map((e) => e.code)).toEqual(['CART_EMPTY'])

    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [{ variantId: variants[0]!.gid, quantity: 1 }],
    })
    const headers = cartHeaders(cartToken)
    const codes = async (pickupSlotStart: string, extra: Record<string, string> = headers) =>
      (await checkout(api, { cartId: cart.id, storeId: rivoli.gid, pickupSlotStart }, extra)).userErrors.map(
        (e) => e.code,
      )
    expect(await codes(NOW.toISOString())).toEqual(['STORE_CLOSED'])
    expect(await codes(new Date(new Date(slot).getTime() + 7 * 60_000).toISOString())).toEqual(['STORE_CLOSED'])

    await testDb.db.updateTable('store').set({ slot_capacity: 1 }).where('id', '=', rivoli.id).execute()
    await testDb.db
      .insertInto('pickup_slot_booking')
      .values({ store_id: rivoli.id, slot_start: new Date(slot), booked: 1 })
      .onConflict((oc) =>
        oc.columns(['store_id', 'slot_start']).doUpdateSet({ booked: sql`greatest(pickup_slot_booking.booked, 1)` }),
      )
      .execute()
    expect(await codes(slot)).toEqual(['SLOT_FULL'])
    await testDb.db.updateTable('store').set({ slot_capacity: 100 }).where('id', '=', rivoli.id).execute()

    const stranger = await createCart(api, { channel: 'WEB' })
    expect(await codes(slot, cartHeaders(stranger.cartToken))).toEqual(['CART_NOT_FOUND'])
    const orders = await testDb.db
      .selectFrom('sales_order')
      .select('id')
      .where('cart_id', '=', rawId(cart.id))
      .execute()
    expect(orders).toEqual([])
  })

  it('refuses malformed input with BAD_USER_INPUT', async () => {
    const result = await api.gql(CHECKOUT, {
      input: {
        cartId: globalId('Cart', variants[0]!.id),
        storeId: rivoli.gid,
        pickupSlotStart: 'tomorrow',
        paymentMode: 'AT_PICKUP',
        idempotencyKey: 'k',
      },
    })
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })

  it('takes an online order to PLACED once its payment is authorised (offline provider)', async () => {
    const { result } = await placeOrder(api, {
      storeGid: rivoli.gid,
      lines: [{ variantId: variants[2]!.gid, quantity: 1 }],
      paymentMode: 'ONLINE',
    })
    expect(result.userErrors).toEqual([])
    expect(result.order!.status).toBe('PLACED')
    expect(result.order!.history.map((entry) => entry.status)).toEqual(['PENDING_PAYMENT', 'PLACED'])
  })
})
