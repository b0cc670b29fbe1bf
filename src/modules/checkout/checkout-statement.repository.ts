import { CompiledQuery } from 'kysely'
import { batchedPerDatabase } from '../../db/batcher.js'
import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import { SALES_ORDER_COLUMNS } from '../../db/sales-order-columns.js'
import type { AppliedPromotion } from '../promotions/discount-pricing.js'
import type { OrderDiscounts } from '../promotions/order-discounts.js'
import type { DiscountCodeReason } from '../promotions/promotion.js'

type Row = Record<string, unknown>

export interface CheckoutWrite {
  /** The cart as read, by its row version: any change since (lines, another checkout) voids the write. */
  cart: { id: string; version: string }
  /** The order's columns, all but its number, which the store's counter gives. */
  order: Row & { id: string }
  lines: Row[]
  history: Row
  cartEvent: Row
  /** The order's and the cart's outbox events (the inventory event is derived from the stock claimed). */
  events: Row[]
  /** The promotions the order uses, one use each, taken only if their limits allow. */
  promotions: readonly AppliedPromotion[]
  /** What each promotion took off each line, kept with the order. */
  discounts: OrderDiscounts['rows']
  stock: {
    storeId: string
    slotStart: Date
    slotCapacity: number
    lines: readonly { variantId: string; quantity: number }[]
  }
}

export type CheckoutWriteResult =
  | { kind: 'PLACED'; order: SalesOrderRow }
  | { kind: 'CART_CHANGED' }
  | { kind: 'INSUFFICIENT_STOCK'; available: Map<string, number> }
  | { kind: 'SLOT_FULL' }
  | { kind: 'PROMOTION_REFUSED'; promotionId: string; code: string | null; reason: DiscountCodeReason }

/** How many checkout write batches a pool sends before waiting for one to answer (see writeCheckout). */
export const WRITE_BATCHES_IN_FLIGHT = 2

/**
 * A whole checkout written at once: close the cart if it is still the version read; reserve
 * every line or none; take a place in the slot and the store's next order number; write the
 * order, its lines, discounts, history, ledger rows and outbox events, and the promotions' uses
 * (comptoir_place_orders and the rules it calls, checkout-rules.v2.sql.ts). A short line, a full
 * slot or a promotion over its limit leaves no trace.
 *
 * Why batched: the stock row of a hot SKU, the slot and the store's counter are shared by every
 * checkout of the store and stay locked until commit. Checkouts that arrive while others are
 * being written go together in the next statement, run on its own (autocommit): one round trip
 * and one commit for all of them, locks held only inside the server, and at most
 * WRITE_BATCHES_IN_FLIGHT transactions of a pool contending for those rows instead of one per
 * request. Inside a transaction the write joins it, alone: the held-cart checkout writes its
 * order this way, so both paths apply the same rules (test/checkout/checkout-paths.test.ts).
 */
export const writeCheckout: (db: Db, write: CheckoutWrite) => Promise<CheckoutWriteResult> = batchedPerDatabase(
  writeCheckoutBatch,
  // More than one batch in flight: the next waits inside PostgreSQL on the rows the one before
  // holds, and starts the moment it commits, instead of after the server has read the answer off
  // a busy event loop. And a batch sent behind n others carries at least n + 1 writes (growing
  // while busy): without that, two batches in three held a single write, each paying its own
  // round trip, lock wait and commit (hot SKU: 2089 of 3070 batches in 5 s); with it, most hold
  // two or three. Measured with npm run bench -- --only=checkout-hot, 3 rounds, GraphQL req/s:
  // - without growing, three in flight beat two (4 paired runs of 4: 718/614, 596/545, 603/560,
  //   696/609), and two beat one (804/593, 660/624);
  // - growing, two in flight beat three in a row of runs two, three, two: 1520/1500/1561, then
  //   1370/1392/1337, then 1387/1444/1421, with PostgreSQL at 0.48-0.52 ms of CPU per checkout
  //   against 0.57-0.61: fewer transactions waiting on the hot rows to wake.
  // A batch that fails as a whole (a write breaking a constraint, a lock wait timing out) is sent
  // again one write at a time, so only the write at fault fails. That is safe: a write whose
  // batch did commit after all finds its cart closed (CART_CHANGED), and the checkout then finds
  // its order.
  { maxInFlight: WRITE_BATCHES_IN_FLIGHT, maxBatchSize: 32, retryAlone: true, growWhileBusy: true },
)

/** Fixed text, its one value the writes as JSON: compiled once, prepared once per connection. */
const PLACE_ORDERS = `${PREPARED}
  SELECT written.outcome, written.detail,
    ${SALES_ORDER_COLUMNS.map((column) => `(written.placed).${column}`).join(', ')}
  FROM comptoir_place_orders($1::jsonb) WITH ORDINALITY AS written
  ORDER BY written.ordinality`

/** The writes in one statement, each answered by its outcome, in order. */
export async function writeCheckoutBatch(db: Db, writes: readonly CheckoutWrite[]): Promise<CheckoutWriteResult[]> {
  const { rows } = await db.executeQuery<PlacedRow>(
    CompiledQuery.raw(PLACE_ORDERS, [JSON.stringify(writes.map(asFunctionInput))]),
  )
  return rows.map(resultOf)
}

type PlacedRow = { [Column in keyof SalesOrderRow]: SalesOrderRow[Column] | null } & {
  outcome: string
  detail: unknown
}

/** The shape comptoir_place_orders reads each write in. */
function asFunctionInput(write: CheckoutWrite) {
  const { stock } = write
  return {
    cartId: write.cart.id,
    cartVersion: write.cart.version,
    storeId: stock.storeId,
    slotStart: stock.slotStart,
    slotCapacity: stock.slotCapacity,
    stock: stock.lines.map((line) => ({ variant_id: line.variantId, quantity: line.quantity })),
    order: write.order,
    lines: write.lines,
    history: write.history,
    cartEvent: write.cartEvent,
    events: write.events,
    promotions: write.promotions,
    discounts: write.discounts,
  }
}

function resultOf(row: PlacedRow): CheckoutWriteResult {
  const { outcome, detail, ...order } = row
  switch (outcome) {
    case 'PLACED':
      return { kind: 'PLACED', order: order as SalesOrderRow }
    case 'CART_CHANGED':
      return { kind: 'CART_CHANGED' }
    case 'SLOT_FULL':
      return { kind: 'SLOT_FULL' }
    case 'PROMOTION_REFUSED': {
      const refusal = jsonOf(detail) as { promotionId: string; code: string | null; reason: DiscountCodeReason }
      return { kind: 'PROMOTION_REFUSED', ...refusal }
    }
    case 'INSUFFICIENT_STOCK':
      return {
        kind: 'INSUFFICIENT_STOCK',
        available: new Map(Object.entries(jsonOf(detail) as Record<string, number>)),
      }
    default:
      throw new Error(`comptoir_place_orders answered ${outcome}`)
  }
}

/** jsonb arrives parsed from pg; a driver may hand it over as text. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value
}
