import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel } from '../fixtures/ids.js'
import { checkout, firstSlot, type StockedStore, stockedStore } from '../fixtures/orders.js'
import { insertPromotion } from '../fixtures/promotions.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Promotions at checkout, through the API: the order is charged what the cart's pricing shows,
 * keeps what applied, and usage limits hold exactly however many shoppers race for the last use.
 */

let testDb: TestDb
let api: TestApp
let store: StockedStore
let secondVariantId: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 10_000, slotCapacity: 1_000 })
  const second = await testDb.db
    .selectFrom('variant')
    .select('id')
    .where('active', '=', true)
    .where('id', '!=', store.variantId)
    .where('currency_code', '=', 'EUR')
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  secondVariantId = second.id
  await setLevel(testDb.db, store.storeId, secondVariantId, { on_hand: 10_000 })
})
afterAll(() => testDb.destroy())

async function cartWith(codes: string[], lines = [{ variantId: store.variantGid, quantity: 1 }]) {
  const { cart, cartToken } = await createCart(api, { channel: 'WEB', lines })
  const cartId = Buffer.from(cart.id, 'base64').toString().split(':')[1]!
  if (codes.length > 0) {
    const updated = await api.gql<{ cartDiscountCodesUpdate: { userErrors: unknown[] } }>(
      'mutation($input: CartDiscountCodesUpdateInput!) { cartDiscountCodesUpdate(input: $input) { userErrors { code } } }',
      { input: { cartId: cart.id, codes } },
      { headers: cartHeaders(cartToken) },
    )
    expect(updated.data?.cartDiscountCodesUpdate.userErrors).toEqual([])
  }
  return { cart, cartToken, cartId }
}

async function placeWith(cart: Awaited<ReturnType<typeof cartWith>>, pickupSlotStart?: string) {
  return checkout(
    api,
    {
      cartId: cart.cart.id,
      storeId: store.storeGid,
      pickupSlotStart: pickupSlotStart ?? (await firstSlot(api, store.storeGid)),
      idempotencyKey: `key-${cart.cartId}`,
    },
    cartHeaders(cart.cartToken),
  )
}

function orderRow(orderGid: string) {
  const id = Buffer.from(orderGid, 'base64').toString().split(':')[1]!
  return testDb.db.selectFrom('sales_order').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function withoutPromotions<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } finally {
    await testDb.db.updateTable('promotion').set({ archived_at: new Date() }).where('archived_at', 'is', null).execute()
  }
}

describe('checkout with promotions', () => {
  it('charges the discounted total and keeps each line’s discount, the snapshot and the use', async () => {
    await withoutPromotions(async () => {
      const promotionId = await insertPromotion(testDb.db, { name: 'Winter 10%' })
      const cart = await cartWith(
        [],
        [
          { variantId: store.variantGid, quantity: 3 },
          { variantId: globalId('Variant', secondVariantId), quantity: 1 },
        ],
      )
      const subtotal = cart.cart.subtotal.amountMinor
      const result = await placeWith(cart)
      expect(result.userErrors).toEqual([])
      const order = await orderRow(result.order!.id)
      const discount = Math.round(subtotal / 10)
      expect(order).toMatchObject({
        subtotal_minor: subtotal,
        discount_minor: discount,
        total_minor: subtotal - discount,
      })
      expect(result.order!.total.amountMinor).toBe(subtotal - discount)

      const lines = await testDb.db
        .selectFrom('order_line')
        .select(['line_number', 'unit_price_minor', 'quantity', 'discount_minor'])
        .where('order_id', '=', order.id)
        .orderBy('line_number')
        .execute()
      expect(lines.reduce((sum, line) => sum + line.discount_minor, 0)).toBe(discount)
      const snapshot = await testDb.db
        .selectFrom('order_line_discount')
        .selectAll()
        .where('order_id', '=', order.id)
        .orderBy('line_number')
        .execute()
      expect(snapshot.map((row) => [row.line_number, row.promotion_name, row.code, row.amount_minor])).toEqual(
        lines.map((line) => [line.line_number, 'Winter 10%', null, line.discount_minor]),
      )
      const uses = await testDb.db.selectFrom('promotion_usage').selectAll().where('order_id', '=', order.id).execute()
      expect(uses).toMatchObject([{ promotion_id: promotionId, code: null, amount_minor: discount, released_at: null }])
    })
  })

  it('applies a code the cart carries, and refuses a code that does not apply, changing nothing', async () => {
    await withoutPromotions(async () => {
      await insertPromotion(testDb.db, {
        codes: ['FIVEOFF'],
        value_type: 'FIXED_AMOUNT',
        value_amount: 500,
        currency_code: 'EUR',
      })
      await insertPromotion(testDb.db, { codes: ['LATER'], starts_at: new Date(Date.now() + 86_400_000) })

      const coded = await cartWith(['FIVEOFF'])
      const placed = await placeWith(coded)
      expect(placed.userErrors).toEqual([])
      const order = await orderRow(placed.order!.id)
      expect(order.discount_minor).toBe(500)
      expect(order.total_minor).toBe(order.subtotal_minor - 500)

      const early = await cartWith(['LATER', 'NOSUCHCODE'])
      const refused = await placeWith(early)
      expect(refused.order).toBeNull()
      expect(refused.userErrors.map((error) => error.code).sort()).toEqual([
        'DISCOUNT_CODE_NOT_STARTED',
        'DISCOUNT_CODE_UNKNOWN',
      ])
      const cart = await testDb.db
        .selectFrom('cart')
        .select('status')
        .where('id', '=', early.cartId)
        .executeTakeFirstOrThrow()
      expect(cart.status).toBe('ACTIVE')
    })
  })

  it('lets exactly 10 of 100 parallel checkouts use a code limited to 10; the rest are refused with the reason', async () => {
    await withoutPromotions(async () => {
      const promotionId = await insertPromotion(testDb.db, { codes: ['HOT10'], usage_limit: 10 })
      // The carts take the code one after another: entered all at once from one address, the codes
      // would be counted as guesses before any was found known (the per-address limit of 30).
      const carts: Awaited<ReturnType<typeof cartWith>>[] = []
      for (let index = 0; index < 100; index++) carts.push(await cartWith(['HOT10']))
      const slot = await firstSlot(api, store.storeGid)
      const results = await Promise.all(carts.map((cart) => placeWith(cart, slot)))

      const placed = results.filter((result) => result.order !== null)
      const refused = results.filter((result) => result.order === null)
      expect(placed).toHaveLength(10)
      expect(refused).toHaveLength(90)
      for (const result of refused) {
        expect(result.userErrors).toMatchObject([
          { code: 'DISCOUNT_CODE_LIMIT_REACHED', field: ['discountCodes', '0'] },
        ])
      }
      // Every placed order carries the code; no order went through without it.
      const orders = await testDb.db
        .selectFrom('sales_order')
        .select(['id', 'discount_minor'])
        .where(
          'cart_id',
          'in',
          carts.map((cart) => cart.cartId),
        )
        .execute()
      expect(orders).toHaveLength(10)
      for (const order of orders) expect(order.discount_minor).toBeGreaterThan(0)
      const promotion = await testDb.db
        .selectFrom('promotion')
        .select('times_used')
        .where('id', '=', promotionId)
        .executeTakeFirstOrThrow()
      expect(promotion.times_used).toBe(10)
      const uses = await testDb.db
        .selectFrom('promotion_usage')
        .select('order_id')
        .where('promotion_id', '=', promotionId)
        .execute()
      expect(uses.map((use) => use.order_id).sort()).toEqual(orders.map((order) => order.id).sort())
      // The refused carts are still there to be checked out without the code.
      const open = await testDb.db
        .selectFrom('cart')
        .select('id')
        .where(
          'id',
          'in',
          carts.map((cart) => cart.cartId),
        )
        .where('status', '=', 'ACTIVE')
        .execute()
      expect(open).toHaveLength(90)
    })
  })
})
