import { sql } from 'kysely'
import type { Db } from '../src/db/create-db.js'
import { insertPromotion } from '../test/fixtures/promotions.js'
import type { CheckoutCart } from './checkout-fixture.js'

// Codes are unique across promotions: a bench run again on the same BENCH_DATABASE_URL needs its own.
const RUN = Date.now().toString(36).toUpperCase()
/** The unlimited code every cart of the promoted side carries. */
export const BENCH_CODE = `BENCH-FIVE-${RUN}`
/** The one limited code every cart of the hot-code run carries. */
export const HOT_CODE = `BENCH-HOT-${RUN}`

export interface BenchPromotions {
  /** 10% off the order, automatic. */
  automaticId: string
  /** 5% off the order with BENCH_CODE, unlimited, combining with the automatic one. */
  codeId: string
}

/**
 * The promotions of the comparison, created archived (so nothing measured before sees them) and
 * restricted to the checkout store, so no other store's scenario could ever qualify for them.
 */
export async function createBenchPromotions(db: Db, storeId: string): Promise<BenchPromotions> {
  const common = { store_ids: [storeId], archived_at: new Date(), combines_with_others: true }
  const automaticId = await insertPromotion(db, { ...common, name: 'Bench automatic 10%' })
  const codeId = await insertPromotion(db, {
    ...common,
    name: 'Bench code 5%',
    value_amount: 500,
    codes: [BENCH_CODE],
  })
  return { automaticId, codeId }
}

/** A live CODE promotion (10% off) at the checkout store, usable `usageLimit` times in all. */
export function createHotCodePromotion(db: Db, storeId: string, usageLimit: number): Promise<string> {
  return insertPromotion(db, {
    name: 'Bench hot code 10%',
    codes: [HOT_CODE],
    store_ids: [storeId],
    usage_limit: usageLimit,
  })
}

/** Live (not archived) or archived, set directly: the bench's database is a scratch one. */
export async function setPromotionsLive(db: Db, ids: readonly string[], live: boolean): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('promotion')
    .set({ archived_at: live ? null : new Date() })
    .where('id', 'in', [...ids])
    .execute()
}

/** The carts carry `code`, as the cart mutation would leave them (codes are stored normalised). */
export async function putDiscountCode(db: Db, carts: readonly CheckoutCart[], code: string): Promise<void> {
  await sql`
    UPDATE cart SET discount_codes = ARRAY[${code}::text]
    WHERE id = ANY(${carts.map((cart) => cart.cartId)}::uuid[])`.execute(db)
}

export interface CartsDiscounts {
  /** Orders made from the carts. */
  orders: number
  /** Of those, the ones with discount_minor > 0. */
  discounted: number
  /** promotion_usage rows of those orders, and the distinct orders they belong to, by promotion. */
  uses: Map<string, { rows: number; orders: number }>
}

/** What the orders of these carts got off, and the promotion uses recorded against them. */
export async function discountsOfCarts(db: Db, carts: readonly CheckoutCart[]): Promise<CartsDiscounts> {
  const cartIds = carts.map((cart) => cart.cartId)
  const { rows: orders } = await sql<{ orders: string; discounted: string }>`
    SELECT count(*) AS orders, count(*) FILTER (WHERE discount_minor > 0) AS discounted
    FROM sales_order WHERE cart_id = ANY(${cartIds}::uuid[])`.execute(db)
  const { rows: uses } = await sql<{ promotion_id: string; rows: string; orders: string }>`
    SELECT u.promotion_id, count(*) AS rows, count(DISTINCT u.order_id) AS orders
    FROM promotion_usage u JOIN sales_order o ON o.id = u.order_id
    WHERE o.cart_id = ANY(${cartIds}::uuid[])
    GROUP BY u.promotion_id`.execute(db)
  return {
    orders: Number(orders[0]?.orders ?? 0),
    discounted: Number(orders[0]?.discounted ?? 0),
    uses: new Map(uses.map((row) => [row.promotion_id, { rows: Number(row.rows), orders: Number(row.orders) }])),
  }
}

/** The promotion's own counter of uses. */
export async function timesUsed(db: Db, promotionId: string): Promise<number> {
  const row = await db
    .selectFrom('promotion')
    .select('times_used')
    .where('id', '=', promotionId)
    .executeTakeFirstOrThrow()
  return row.times_used
}
