import { randomUUID } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { sql } from 'kysely'
import { anonymous } from '../src/auth/viewer.js'
import type { Db } from '../src/db/create-db.js'
import { inTransaction } from '../src/db/transaction.js'
import { hashSecret, newCartToken } from '../src/modules/carts/cart.js'
import { createCart, findCartViews } from '../src/modules/carts/cart.service.js'
import { grantCartAccess } from '../src/modules/carts/cart-access.js'
import { addLines } from '../src/modules/carts/cart-lines.service.js'
import { bookableSlots, slotRulesOf } from '../src/modules/pickup/pickup-slots.js'
import { findStore } from '../src/modules/stores/store.service.js'

/** Stock and slot places large enough that no run of the benchmark ever runs short. */
export const BENCH_STOCK = 1_000_000
const ALL_DAY = [{ opens: '00:00', closes: '23:59' }]
const DAY_MS = 24 * 60 * 60_000

export interface CheckoutStore {
  storeId: string
  /** A slot two days ahead: bookable for the whole benchmark, whatever the time it starts. */
  pickupSlotStart: Date
  /** Every cart of the hot-SKU scenario holds one unit of this variant. */
  hotVariantId: string
  /** The distinct-SKU scenario cycles through these, one variant per cart. */
  distinctVariantIds: readonly string[]
}

export interface CheckoutCart {
  cartId: string
  cartToken: string
  idempotencyKey: string
}

/**
 * Makes the store able to take every checkout of the benchmark: open every day all day, a slot
 * capacity and stock levels of BENCH_STOCK for the variants the scenarios use (set directly, not
 * through the ledger: this is a scratch database).
 */
export async function prepareCheckoutStore(db: Db, storeId: string, distinctVariants: number): Promise<CheckoutStore> {
  const opening = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY }
  await db
    .updateTable('store')
    .set({ opening_hours: JSON.stringify(opening), slot_capacity: BENCH_STOCK })
    .where('id', '=', storeId)
    .execute()
  // The hot variant comes from the end of the catalogue, away from the distinct ones.
  const variants = await db.selectFrom('variant').select('id').where('active', '=', true).orderBy('sku').execute()
  const hot = variants.at(-1)
  const distinct = variants.slice(0, Math.min(distinctVariants, variants.length - 1))
  if (!hot || distinct.length < 2) throw new Error('the seeded catalogue has too few variants for checkout')
  const variantIds = [...distinct.map((variant) => variant.id), hot.id]
  const level = { on_hand: BENCH_STOCK, reserved: 0, safety_stock: 0 }
  await db
    .insertInto('inventory_level')
    .values(variantIds.map((variantId) => ({ store_id: storeId, variant_id: variantId, ...level })))
    .onConflict((oc) => oc.columns(['store_id', 'variant_id']).doUpdateSet(level))
    .execute()

  const store = await findStore(db, storeId)
  if (!store) throw new Error('the checkout store vanished')
  const now = new Date()
  const slot = bookableSlots(slotRulesOf(store), now).find((each) => each.start.getTime() >= now.getTime() + 2 * DAY_MS)
  if (!slot) throw new Error('the checkout store offers no pickup slot two days ahead')
  return {
    storeId,
    pickupSlotStart: slot.start,
    hotVariantId: hot.id,
    distinctVariantIds: distinct.map((variant) => variant.id),
  }
}

/**
 * `count` anonymous WEB carts, cart i holding one unit of variantIds[i mod n], each with its own
 * token and idempotency key. Rows are written with three set-based inserts in one transaction
 * (the cart service takes ~10 statements a cart: far too slow for tens of thousands of carts);
 * checkCartsMatchService proves they are the rows the service would write.
 */
export async function createCheckoutCarts(
  db: Db,
  variantIds: readonly string[],
  count: number,
): Promise<CheckoutCart[]> {
  const carts = Array.from({ length: count }, () => ({
    cartId: randomUUID(),
    cartToken: newCartToken(),
    idempotencyKey: `bench-${randomUUID()}`,
  }))
  const ids = carts.map((cart) => cart.cartId)
  const lineVariants = carts.map((_, index) => variantIds[index % variantIds.length]!)
  await inTransaction(db, async (trx) => {
    await sql`
      INSERT INTO cart (id, channel, last_channel, currency_code)
      SELECT t.id, 'WEB', 'WEB', variant.currency_code
      FROM unnest(${ids}::uuid[], ${lineVariants}::uuid[]) AS t(id, variant_id)
      JOIN variant ON variant.id = t.variant_id`.execute(trx)
    await sql`
      INSERT INTO cart_line (cart_id, variant_id, quantity, unit_price_minor)
      SELECT t.id, t.variant_id, 1, p.price_minor
      FROM unnest(${ids}::uuid[], ${lineVariants}::uuid[]) AS t(id, variant_id)
      CROSS JOIN LATERAL comptoir_variant_price(t.variant_id, NULL, 'WEB', now()) AS p`.execute(trx)
    await sql`
      INSERT INTO cart_token (token_hash, cart_id, channel)
      SELECT t.hash, t.id, 'WEB'
      FROM unnest(${carts.map((cart) => hashSecret(cart.cartToken))}::text[], ${ids}::uuid[]) AS t(hash, id)`.execute(
      trx,
    )
  })
  return carts
}

/** Orders made from these carts: at most one each (unique index on sales_order.cart_id). */
export async function countOrdersOfCarts(db: Db, carts: readonly CheckoutCart[]): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT count(*) AS count FROM sales_order WHERE cart_id = ANY(${carts.map((cart) => cart.cartId)}::uuid[])`.execute(
    db,
  )
  return Number(rows[0]?.count ?? 0)
}

/**
 * A cart from createCheckoutCarts against one made by the cart service (createCart, then
 * addLines): same row, same lines as seen through findCartViews, reachable with its token.
 */
export async function checkCartsMatchService(db: Db, variantId: string): Promise<string> {
  const created = await createCart(db, {
    viewer: anonymous,
    channel: 'WEB',
    device: null,
    storefrontId: null,
    lines: [],
    pickupStoreId: null,
    now: new Date(),
  })
  const credentials = { viewer: anonymous, cartToken: created.cartToken }
  await addLines(db, {
    cartId: created.cart.id,
    credentials,
    channel: 'WEB',
    device: null,
    storefrontId: null,
    lines: [{ variantId, quantity: 1 }],
    now: new Date(),
  })
  const viaService = { cartId: created.cart.id }
  const [viaSql] = await createCheckoutCarts(db, [variantId], 1)
  if (!viaSql) throw new Error('no cart created')
  const views = await findCartViews(db, [viaService.cartId, viaSql.cartId])
  const shape = (cartId: string) => {
    const view = views.find((each) => each.id === cartId)
    if (!view) throw new Error(`cart ${cartId} not found`)
    return {
      customer_id: view.customer_id,
      status: view.status,
      channel: view.channel,
      last_channel: view.last_channel,
      currency_code: view.currency_code,
      pickup_store_id: view.pickup_store_id,
      merged_into_cart_id: view.merged_into_cart_id,
      lines: view.lines.map((line) => ({ variant_id: line.variant_id, quantity: line.quantity })),
    }
  }
  const expected = shape(viaService.cartId)
  const actual = shape(viaSql.cartId)
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`SQL-made cart ${JSON.stringify(actual)} differs from the service's ${JSON.stringify(expected)}`)
  }
  const view = views.find((each) => each.id === viaSql.cartId)!
  if (!(await grantCartAccess(db, view, { viewer: anonymous, cartToken: viaSql.cartToken }))) {
    throw new Error('the SQL-made cart does not open with its token')
  }
  return 'set-based carts match cart-service carts'
}

export interface CheckoutPayment {
  id: string
  status: string
  providerRef: string | null
}

/** The STRIPE payment rows of the orders made from these carts. */
export async function findStripePaymentsOfCarts(db: Db, carts: readonly CheckoutCart[]): Promise<CheckoutPayment[]> {
  const { rows } = await sql<{ id: string; status: string; provider_ref: string | null }>`
    SELECT payment.id, payment.status, payment.provider_ref
    FROM payment JOIN sales_order ON sales_order.id = payment.order_id
    WHERE payment.provider = 'STRIPE'
      AND sales_order.cart_id = ANY(${carts.map((cart) => cart.cartId)}::uuid[])`.execute(db)
  return rows.map((row) => ({ id: row.id, status: row.status, providerRef: row.provider_ref }))
}
