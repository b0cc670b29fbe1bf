import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADD_LINES,
  type CartShape,
  cartHeaders,
  createCart,
  READ_CART,
  SET_PICKUP_STORE,
  type UserErrorShape,
} from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { checkout, firstSlot, openAllDay } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// The price shown is the price charged: a cart line keeps the price it was shown, the checkout
// refuses to charge another (PRICE_CHANGED, on both checkout paths) and re-prices the cart, and
// the till charges its store's POS price. All through the one price rule.

const SALE_STARTS = new Date('2027-03-01T08:00:00.000Z')
let clock = new Date(SALE_STARTS.getTime() - 60_000)
let testDb: TestDb
let batchedApi: TestApp
let heldApi: TestApp
let admin: string
let rivoli: { id: string; gid: string }
let oberkampf: { id: string; gid: string }
let variants: { id: string; gid: string; base: number; sku: string }[]

const PRICE_SET = `mutation($input: PriceSetInput!) { priceSet(input: $input) { userErrors { code } } }`

async function setPrice(input: Record<string, unknown>) {
  const result = await batchedApi.gql<{ priceSet: { userErrors: unknown[] } }>(PRICE_SET, { input }, { token: admin })
  expect(result.data?.priceSet.userErrors).toEqual([])
}

async function readCart(api: TestApp, cartId: string, cartToken: string): Promise<CartShape> {
  const result = await api.gql<{ cart: CartShape }>(READ_CART, { id: cartId }, { headers: cartHeaders(cartToken) })
  return result.data!.cart
}

const unitPrices = (cart: CartShape) => cart.lines.map((line) => line.unitPrice.amountMinor)

beforeAll(async () => {
  testDb = await createTestDb()
  batchedApi = createTestApp(testDb, { now: () => clock })
  heldApi = createTestApp(testDb, { now: () => clock, env: { CART_RESERVATIONS: 'true' } })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const oberkampfId = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  oberkampf = { id: oberkampfId, gid: globalId('Store', oberkampfId) }
  await openAllDay(testDb.db, rivoliId, { slotCapacity: 100 })
  const rows = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor', 'sku'])
    .where('active', '=', true)
    .where('barcode', 'is not', null)
    .orderBy('sku')
    .limit(4)
    .execute()
  variants = rows.map((row) => ({ id: row.id, gid: globalId('Variant', row.id), base: row.price_minor, sku: row.sku }))
  for (const variant of variants) await setLevel(testDb.db, rivoliId, variant.id, { on_hand: 50 })
  admin = await batchedApi.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

describe('the price a cart shows', () => {
  it('is kept by each line until it changes, and follows the pickup store when it changes', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    const { cart, cartToken } = await createCart(batchedApi, {
      channel: 'WEB',
      lines: [{ variantId: a.gid, quantity: 2 }],
    })
    expect(unitPrices(cart)).toEqual([a.base])

    await setPrice({ variantId: a.gid, amount: a.base - 100, channel: 'WEB' })
    await setPrice({ variantId: b.gid, amount: b.base - 50, channel: 'WEB' })
    const kept = await readCart(batchedApi, cart.id, cartToken)
    expect(unitPrices(kept)).toEqual([a.base])
    expect(kept.subtotal.amountMinor).toBe(2 * a.base)

    // The line added now is shown today's WEB price; the line already there keeps its own.
    const added = await batchedApi.gql<{ cartLinesAdd: { cart: CartShape; userErrors: UserErrorShape[] } }>(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: b.gid, quantity: 1 }] } },
      { headers: cartHeaders(cartToken) },
    )
    expect(unitPrices(added.data!.cartLinesAdd.cart)).toEqual([a.base, b.base - 50])
    expect(added.data!.cartLinesAdd.cart.subtotal.amountMinor).toBe(2 * a.base + b.base - 50)

    // A store price, then the store chosen: every line is priced there.
    await setPrice({ variantId: a.gid, amount: 333, storeId: oberkampf.gid })
    const moved = await batchedApi.gql<{ cartSetPickupStore: { cart: CartShape } }>(
      SET_PICKUP_STORE,
      { input: { cartId: cart.id, storeId: oberkampf.gid } },
      { headers: cartHeaders(cartToken) },
    )
    expect(unitPrices(moved.data!.cartSetPickupStore.cart)).toEqual([333, b.base - 50])
    const stored = await testDb.db
      .selectFrom('cart_line')
      .select(['variant_id', 'unit_price_minor'])
      .where('cart_id', '=', Buffer.from(cart.id, 'base64').toString().split(':')[1]!)
      .orderBy('position')
      .execute()
    expect(stored.map((line) => line.unit_price_minor)).toEqual([333, b.base - 50])
  })
})

describe('the checkout', () => {
  it.each([
    ['batched', () => batchedApi, 2],
    ['held-cart', () => heldApi, 3],
  ] as const)('(%s path) answers PRICE_CHANGED when a scheduled sale started, shows it, then charges it on retry', async (_path, apiOf, index) => {
    const api = apiOf()
    clock = new Date(SALE_STARTS.getTime() - 60_000)
    const [first, second] = [variants[0]!, variants[index]!]
    const { cart, cartToken } = await createCart(api, {
      channel: 'APP',
      storeId: rivoli.gid,
      lines: [
        { variantId: first.gid, quantity: 1 },
        { variantId: second.gid, quantity: 3 },
      ],
    })
    const shown = unitPrices(cart)
    await setPrice({
      variantId: second.gid,
      amount: 199,
      storeId: rivoli.gid,
      channel: 'APP',
      startsAt: SALE_STARTS.toISOString(),
    })
    // Before the sale starts the cart's prices hold, so a checkout then would charge them.
    expect(unitPrices(await readCart(api, cart.id, cartToken))).toEqual(shown)

    clock = new Date(SALE_STARTS)
    const slot = await firstSlot(api, rivoli.gid)
    const input = { cartId: cart.id, storeId: rivoli.gid, pickupSlotStart: slot, idempotencyKey: `price-${index}-key` }
    const refused = await checkout(api, input, cartHeaders(cartToken))
    expect(refused.order).toBeNull()
    expect(refused.userErrors).toEqual([
      { code: 'PRICE_CHANGED', field: ['lines', '1'], message: expect.stringContaining(second.sku) },
    ])
    const repriced = await readCart(api, cart.id, cartToken)
    expect(unitPrices(repriced)).toEqual([shown[0], 199])
    const level = await testDb.db
      .selectFrom('inventory_level')
      .select(['on_hand', 'reserved'])
      .where('store_id', '=', rivoli.id)
      .where('variant_id', '=', second.id)
      .executeTakeFirstOrThrow()
    expect(level.on_hand).toBe(50)

    const placed = await checkout(api, input, cartHeaders(cartToken))
    expect(placed.userErrors).toEqual([])
    expect(placed.order!.lines.map((line) => line.unitPrice.amountMinor)).toEqual([shown[0], 199])
    expect(placed.order!.total.amountMinor).toBe(shown[0]! + 3 * 199)
    expect(placed.order!.total.amountMinor).toBe(repriced.total.amountMinor)
    const events = await testDb.db
      .selectFrom('cart_event')
      .select('type')
      .where('cart_id', '=', Buffer.from(cart.id, 'base64').toString().split(':')[1]!)
      .where('type', '=', 'lines_repriced')
      .execute()
    expect(events).toHaveLength(1)
  })
})

describe('a sale at the till', () => {
  it("charges the terminal's store POS price", async () => {
    clock = new Date(SALE_STARTS)
    const item = variants[1]!
    const manager = await batchedApi.signInStaff('manager.par-rivoli@comptoir.dev')
    const registered = await batchedApi.gql<{ posTerminalRegister: { terminalKey: string } }>(
      'mutation($input: PosTerminalRegisterInput!) { posTerminalRegister(input: $input) { terminalKey } }',
      { input: { storeId: rivoli.gid, label: 'Till 1' } },
      { token: manager },
    )
    const till = registered.data!.posTerminalRegister.terminalKey
    await setPrice({ variantId: item.gid, amount: 480, storeId: rivoli.gid, channel: 'POS' })
    // Neither another store's POS price nor this store's web price applies at this till.
    await setPrice({ variantId: item.gid, amount: 470, storeId: oberkampf.gid, channel: 'POS' })
    await setPrice({ variantId: item.gid, amount: 460, storeId: rivoli.gid, channel: 'WEB' })
    const sale = await batchedApi.gql<{
      posSaleCreate: { order: { total: { amountMinor: number }; lines: { unitPrice: { amountMinor: number } }[] } }
    }>(
      `mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) {
        order { total { amountMinor } lines { unitPrice { amountMinor } } } userErrors { code } } }`,
      {
        input: { lines: [{ variantId: item.gid, quantity: 2 }], payment: { method: 'CASH', amountTendered: '100.00' } },
      },
      { token: till },
    )
    expect(sale.errors).toBeUndefined()
    expect(sale.data!.posSaleCreate.order.lines).toEqual([{ unitPrice: { amountMinor: 480 } }])
    expect(sale.data!.posSaleCreate.order.total.amountMinor).toBe(960)
  })
})
