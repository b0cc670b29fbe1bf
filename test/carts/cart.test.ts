import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADD_LINES,
  type CartShape,
  cartHeaders,
  createCart,
  DEMO_KIOSK_HEADERS,
  READ_CART,
  REMOVE_LINES,
  SET_PICKUP_STORE,
  UPDATE_LINES,
  type UserErrorShape,
} from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let variants: { id: string; gid: string; price: number; taxBp: number }[]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  const rows = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor', 'tax_rate_bp'])
    .where('active', '=', true)
    .orderBy('sku')
    .limit(3)
    .execute()
  variants = rows.map((row) => ({
    id: row.id,
    gid: globalId('Variant', row.id),
    price: row.price_minor,
    taxBp: row.tax_rate_bp,
  }))
})
afterAll(() => testDb.destroy())

type LinesPayload = { cart: CartShape | null; userErrors: UserErrorShape[] }

async function cartRow(cartGid: string) {
  const id = Buffer.from(cartGid, 'base64').toString().split(':')[1]!
  const cart = await testDb.db.selectFrom('cart').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const lines = await testDb.db
    .selectFrom('cart_line')
    .select(['variant_id', 'quantity'])
    .where('cart_id', '=', id)
    .orderBy('variant_id')
    .execute()
  return { cart, lines }
}

describe('cartCreate and lines', () => {
  it('creates a cart on a channel with lines, totals in minor units and tax taken out of each line', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    const { cart, cartToken } = await createCart(api, {
      channel: 'APP',
      lines: [
        { variantId: a.gid, quantity: 2 },
        { variantId: b.gid, quantity: 1 },
      ],
    })
    expect(Buffer.from(cartToken, 'base64url').length).toBeGreaterThanOrEqual(16)
    expect(cart).toMatchObject({
      channel: 'APP',
      lastChannel: 'APP',
      status: 'ACTIVE',
      itemCount: 3,
      pickupStore: null,
    })
    const subtotal = a.price * 2 + b.price
    const tax =
      Math.round((a.price * 2 * a.taxBp) / (10_000 + a.taxBp)) + Math.round((b.price * b.taxBp) / (10_000 + b.taxBp))
    expect(cart.subtotal).toEqual({ amountMinor: subtotal, currencyCode: 'EUR' })
    expect(cart.total.amountMinor).toBe(subtotal)
    expect(cart.tax.amountMinor).toBe(tax)
    expect(cart.lines.map((line) => line.lineTotal.amountMinor)).toEqual([a.price * 2, b.price])
    // Only a hash of the token is stored.
    const tokens = await testDb.db.selectFrom('cart_token').select('token_hash').execute()
    expect(tokens.some((row) => row.token_hash.includes(cartToken))).toBe(false)
  })

  it('adds to an existing line, updates, and removes with quantity 0 or by id', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    const { cart, cartToken } = await createCart(api, { channel: 'WEB', lines: [{ variantId: a.gid, quantity: 1 }] })
    const headers = cartHeaders(cartToken)
    const added = await api.gql<{ cartLinesAdd: LinesPayload }>(
      ADD_LINES,
      {
        input: {
          cartId: cart.id,
          lines: [
            { variantId: a.gid, quantity: 4 },
            { variantId: b.gid, quantity: 2 },
          ],
          channel: 'KIOSK',
        },
      },
      { headers: { ...headers, ...DEMO_KIOSK_HEADERS } },
    )
    expect(added.data!.cartLinesAdd.cart!.lines.map((line) => line.quantity)).toEqual([5, 2])
    expect(added.data!.cartLinesAdd.cart!.lastChannel).toBe('KIOSK')
    const updated = await api.gql<{ cartLinesUpdate: LinesPayload }>(
      UPDATE_LINES,
      {
        input: {
          cartId: cart.id,
          lines: [
            { variantId: a.gid, quantity: 0 },
            { variantId: b.gid, quantity: 7 },
          ],
        },
      },
      { headers },
    )
    expect(updated.data!.cartLinesUpdate.cart!.lines.map((line) => [line.variant.id, line.quantity])).toEqual([
      [b.gid, 7],
    ])
    // No channel given: the change is credited to the device whose token made it.
    expect(updated.data!.cartLinesUpdate.cart!.lastChannel).toBe('WEB')
    const removed = await api.gql<{ cartLinesRemove: LinesPayload }>(
      REMOVE_LINES,
      { input: { cartId: cart.id, variantIds: [b.gid] } },
      { headers },
    )
    expect(removed.data!.cartLinesRemove.cart!.lines).toEqual([])
    const { cart: row } = await cartRow(cart.id)
    expect(row.currency_code).toBeNull()
    const events = await testDb.db
      .selectFrom('cart_event')
      .select(['type', 'channel'])
      .where('cart_id', '=', row.id)
      .orderBy('id')
      .execute()
    expect(events).toEqual([
      { type: 'created', channel: 'WEB' },
      { type: 'lines_added', channel: 'WEB' },
      { type: 'lines_added', channel: 'KIOSK' },
      { type: 'lines_updated', channel: 'WEB' },
      { type: 'lines_removed', channel: 'WEB' },
    ])
  })

  it('refuses bad lines with userErrors naming them, and changes nothing', async () => {
    const [a] = variants as [(typeof variants)[0]]
    const { cart, cartToken } = await createCart(api, { channel: 'WEB', lines: [{ variantId: a.gid, quantity: 98 }] })
    const headers = cartHeaders(cartToken)
    const before = await cartRow(cart.id)
    const inactive = await testDb.db.selectFrom('variant').select('id').orderBy('sku', 'desc').executeTakeFirstOrThrow()
    await testDb.db.updateTable('variant').set({ active: false }).where('id', '=', inactive.id).execute()
    const usd = await testDb.db
      .selectFrom('variant')
      .select('id')
      .orderBy('sku', 'desc')
      .offset(1)
      .executeTakeFirstOrThrow()
    await testDb.db.updateTable('variant').set({ currency_code: 'USD' }).where('id', '=', usd.id).execute()

    const result = await api.gql<{ cartLinesAdd: LinesPayload }>(
      ADD_LINES,
      {
        input: {
          cartId: cart.id,
          lines: [
            { variantId: a.gid, quantity: 2 },
            { variantId: globalId('Variant', inactive.id), quantity: 1 },
            { variantId: globalId('Variant', usd.id), quantity: 1 },
            { variantId: globalId('Variant', '00000000-0000-4000-8000-000000000000'), quantity: 1 },
          ],
        },
      },
      { headers },
    )
    await testDb.db.updateTable('variant').set({ active: true }).where('id', '=', inactive.id).execute()
    await testDb.db.updateTable('variant').set({ currency_code: 'EUR' }).where('id', '=', usd.id).execute()
    expect(result.data!.cartLinesAdd.cart).toBeNull()
    expect(result.data!.cartLinesAdd.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['QUANTITY_LIMIT', ['lines', '0', 'quantity']],
      ['UNKNOWN_VARIANT', ['lines', '1', 'variantId']],
      ['CURRENCY_MISMATCH', ['lines', '2', 'variantId']],
      ['UNKNOWN_VARIANT', ['lines', '3', 'variantId']],
    ])
    expect(await cartRow(cart.id)).toEqual(before)
  })

  it('refuses more than 100 lines, quantities out of range, and removing a line that is not there', async () => {
    const many = await testDb.db
      .selectFrom('variant')
      .select('id')
      .where('active', '=', true)
      .orderBy('id')
      .limit(101)
      .execute()
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: many.slice(0, 100).map((row) => ({ variantId: globalId('Variant', row.id), quantity: 1 })),
    })
    const headers = cartHeaders(cartToken)
    const oneMore = await api.gql<{ cartLinesAdd: LinesPayload }>(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: globalId('Variant', many[100]!.id), quantity: 1 }] } },
      { headers },
    )
    expect(oneMore.data!.cartLinesAdd.userErrors.map((e) => e.code)).toEqual(['TOO_MANY_LINES'])
    const zero = await api.gql(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: variants[0]!.gid, quantity: 0 }] } },
      { headers },
    )
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const { cart: small, cartToken: smallToken } = await createCart(api, { channel: 'WEB' })
    const notThere = await api.gql<{ cartLinesRemove: LinesPayload }>(
      REMOVE_LINES,
      { input: { cartId: small.id, variantIds: [variants[0]!.gid] } },
      { headers: cartHeaders(smallToken) },
    )
    expect(notThere.data!.cartLinesRemove.userErrors.map((e) => e.code)).toEqual(['LINE_NOT_FOUND'])
  })
})

describe('pickup store', () => {
  it('shows per line whether the chosen store has the quantity', async () => {
    const [a, b] = variants as [(typeof variants)[0], (typeof variants)[0]]
    const rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
    await setLevel(testDb.db, rivoli, a.id, { on_hand: 10, reserved: 2, safety_stock: 1 })
    await setLevel(testDb.db, rivoli, b.id, { on_hand: 1 })
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [
        { variantId: a.gid, quantity: 7 },
        { variantId: b.gid, quantity: 2 },
      ],
    })
    expect(cart.lines.map((line) => line.availableInStore)).toEqual([null, null])
    const result = await api.gql<{ cartSetPickupStore: LinesPayload }>(
      SET_PICKUP_STORE,
      { input: { cartId: cart.id, storeId: globalId('Store', rivoli) } },
      { headers: cartHeaders(cartToken) },
    )
    const updated = result.data!.cartSetPickupStore.cart!
    expect(updated.pickupStore).toEqual({ code: 'PAR-RIVOLI' })
    expect(updated.lines.map((line) => [line.availableInStore, line.availableQuantityInStore])).toEqual([
      [true, 7],
      [false, 1],
    ])
    const unknown = await api.gql<{ cartSetPickupStore: LinesPayload }>(
      SET_PICKUP_STORE,
      { input: { cartId: cart.id, storeId: globalId('Store', '00000000-0000-4000-8000-000000000000') } },
      { headers: cartHeaders(cartToken) },
    )
    expect(unknown.data!.cartSetPickupStore.userErrors.map((e) => e.code)).toEqual(['UNKNOWN_STORE'])
  })
})

describe('who can reach a cart', () => {
  it('opens an anonymous cart only with its token; a wrong token looks like no cart at all', async () => {
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [{ variantId: variants[0]!.gid, quantity: 1 }],
    })
    const withToken = await api.gql<{ cart: CartShape | null }>(
      READ_CART,
      { id: cart.id },
      { headers: cartHeaders(cartToken) },
    )
    expect(withToken.data!.cart!.id).toBe(cart.id)
    const noToken = await api.gql<{ cart: CartShape | null }>(READ_CART, { id: cart.id })
    const wrongToken = await api.gql<{ cart: CartShape | null }>(
      READ_CART,
      { id: cart.id },
      { headers: cartHeaders(`${cartToken}x`) },
    )
    const missing = await api.gql<{ cart: CartShape | null }>(READ_CART, {
      id: globalId('Cart', '00000000-0000-4000-8000-000000000000'),
    })
    expect(noToken).toEqual(missing)
    expect(wrongToken).toEqual(missing)
    expect(missing.data).toEqual({ cart: null })
    const viaNode = await api.gql<{ node: unknown }>('query($id: ID!) { node(id: $id) { id } }', { id: cart.id })
    expect(viaNode.data).toEqual({ node: null })

    const { cartToken: otherToken } = await createCart(api, { channel: 'WEB' })
    const foreign = await api.gql<{ cartLinesAdd: LinesPayload }>(
      ADD_LINES,
      { input: { cartId: cart.id, lines: [{ variantId: variants[0]!.gid, quantity: 1 }] } },
      { headers: cartHeaders(otherToken) },
    )
    expect(foreign.data!.cartLinesAdd.userErrors.map((e) => e.code)).toEqual(['CART_NOT_FOUND'])
    expect((await cartRow(cart.id)).lines.map((line) => line.quantity)).toEqual([1])
  })
})
