import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { cartHoldExpiryJob } from '../../src/modules/carts/cart-hold-expiry.job.js'
import { ADD_LINES, type CartShape, cartHeaders, createCart, UPDATE_LINES } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { checkout, firstSlot, openAllDay } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let api: TestApp
let store: { id: string; gid: string }
let variant: { id: string; gid: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW, env: { CART_RESERVATIONS: 'true', CART_HOLD_MINUTES_GUEST: '15' } })
  const id = await storeIdByCode(testDb.db, 'PAR-RENNES')
  store = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id, { slotCapacity: 50 })
  const variantId = await variantIdBySku(testDb.db)
  variant = { id: variantId, gid: globalId('Variant', variantId) }
})
afterAll(() => testDb.destroy())

async function level() {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', store.id)
    .where('variant_id', '=', variant.id)
    .executeTakeFirstOrThrow()
}

async function availableToOthers(): Promise<number> {
  const result = await api.gql<{ node: { availability: { available: number } } }>(
    'query($id: ID!, $storeId: ID!) { node(id: $id) { ... on Variant { availability(storeId: $storeId) { available } } } }',
    { id: variant.gid, storeId: store.gid },
  )
  return result.data!.node.availability.available
}

async function ledgerMatches(): Promise<boolean> {
  const sums = await testDb.db
    .selectFrom('stock_movement')
    .select(sql<string>`coalesce(sum(reserved_delta), 0)::text`.as('reserved'))
    .where('store_id', '=', store.id)
    .where('variant_id', '=', variant.id)
    .executeTakeFirstOrThrow()
  return Number(sums.reserved) === (await level()).reserved
}

describe('cart reservations (CART_RESERVATIONS=true)', () => {
  it('holds a cart’s lines in its pickup store, for others to see, until the hold period ends', async () => {
    await setLevel(testDb.db, store.id, variant.id, { on_hand: 10 })
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      storeId: store.gid,
      lines: [{ variantId: variant.gid, quantity: 3 }],
    })
    expect(await level()).toEqual({ on_hand: 10, reserved: 3 })
    expect(await availableToOthers()).toBe(7)
    expect(cart.lines[0]).toMatchObject({ availableInStore: true, availableQuantityInStore: 10 })

    const updated = await api.gql<{ cartLinesUpdate: { cart: CartShape & { reservedUntil: string } } }>(
      UPDATE_LINES.replace(/cart \{/, 'cart { reservedUntil '),
      { input: { cartId: cart.id, lines: [{ variantId: variant.gid, quantity: 5 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect(updated.data!.cartLinesUpdate.cart.reservedUntil).toBe(new Date(NOW.getTime() + 15 * 60_000).toISOString())
    expect(await level()).toEqual({ on_hand: 10, reserved: 5 })

    // Nobody touches the cart: at the end of the hold period the stock goes back.
    const job = cartHoldExpiryJob()
    expect(
      (await inTransaction(testDb.db, (trx) => job.run(trx, new Date(NOW.getTime() + 14 * 60_000)))).affected,
    ).toBe(0)
    expect(
      (await inTransaction(testDb.db, (trx) => job.run(trx, new Date(NOW.getTime() + 16 * 60_000)))).affected,
    ).toBe(1)
    expect(await level()).toEqual({ on_hand: 10, reserved: 0 })
    expect(await ledgerMatches()).toBe(true)
  })

  it('does not hold a line the store cannot cover, and hands the hold over to the order at checkout', async () => {
    await setLevel(testDb.db, store.id, variant.id, { on_hand: 4 })
    const { cart, cartToken } = await createCart(api, {
      channel: 'APP',
      storeId: store.gid,
      lines: [{ variantId: variant.gid, quantity: 2 }],
    })
    expect((await level()).reserved).toBe(2)
    // Another shopper asks for more than is left: nothing is held for them.
    const greedy = await createCart(api, {
      channel: 'WEB',
      storeId: store.gid,
      lines: [{ variantId: variant.gid, quantity: 3 }],
    })
    expect((await level()).reserved).toBe(2)
    expect(greedy.cart.lines[0]!.availableInStore).toBe(false)

    const result = await checkout(
      api,
      { cartId: cart.id, storeId: store.gid, pickupSlotStart: await firstSlot(api, store.gid) },
      cartHeaders(cartToken),
    )
    expect(result.userErrors).toEqual([])
    // The order's reservation replaced the cart's hold: 2 reserved, not 4.
    expect(await level()).toEqual({ on_hand: 4, reserved: 2 })
    const holds = await testDb.db.selectFrom('cart_hold').select('cart_id').execute()
    expect(holds.map((hold) => hold.cart_id)).not.toContain(Buffer.from(cart.id, 'base64').toString().split(':')[1])
    expect(await ledgerMatches()).toBe(true)
  })

  it('releases the hold when the line is removed', async () => {
    await setLevel(testDb.db, store.id, variant.id, { on_hand: 6 })
    await testDb.db.deleteFrom('cart_hold').execute()
    const { cart, cartToken } = await createCart(api, { channel: 'WEB', storeId: store.gid })
    await api.gql(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: variant.gid, quantity: 2 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect((await level()).reserved).toBe(2)
    await api.gql(
      UPDATE_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: variant.gid, quantity: 0 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect((await level()).reserved).toBe(0)
  })
})

describe('cart reservations off (the default)', () => {
  it('holds nothing', async () => {
    const plain = createTestApp(testDb, { now: () => NOW })
    await setLevel(testDb.db, store.id, variant.id, { on_hand: 5 })
    await createCart(plain, { channel: 'WEB', storeId: store.gid, lines: [{ variantId: variant.gid, quantity: 2 }] })
    expect((await level()).reserved).toBe(0)
  })
})
