import { sql } from 'kysely'
import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { AVAILABLE, claimCtes, claimRecordCtes, ORDER_NUMBER, type StockClaim } from './checkout-claim.sql.js'

export type CheckoutClaim = StockClaim

export interface CheckoutClaimResult {
  /** Every line reserved; when false nothing was reserved, booked or numbered. */
  reserved: boolean
  /** A place taken in the slot; false when it was full (or the stock short). */
  slotBooked: boolean
  /** The order as it now stands, numbered; null when the claim failed. */
  order: SalesOrderRow | null
  /** What each line's level had available when it was locked (absent: the store has no level). */
  available: Map<string, number>
}

/**
 * The part of a checkout that every other checkout of the store contends for, in ONE statement:
 * lock the stock rows in variant order, reserve every line or none, take a place in the slot,
 * take the store's next order number, and write the ledger rows and the inventory event.
 *
 * Why one statement across four domains' tables: the rows it locks (a hot SKU's level, the slot,
 * the store's counter) are shared by every concurrent checkout, and they stay locked until
 * commit. Issued one by one, they would be held for six round trips; here, for one and the
 * COMMIT. Each later step runs only if the one before succeeded, so a short line locks no slot.
 * The same rules live in the services (moveIfFree('RESERVE'), bookSlot, nextOrderSequence); the
 * checkout concurrency tests hold this statement to them.
 */
export async function claimStockSlotAndNumber(trx: Trx, claim: CheckoutClaim): Promise<CheckoutClaimResult> {
  const result = await sql<ClaimRow>`
    WITH ${claimCtes(claim, sql`true`)},
    numbered AS (
      UPDATE sales_order SET number = ${ORDER_NUMBER}
      FROM counter
      WHERE sales_order.id = ${claim.orderId}::uuid
      RETURNING sales_order.*
    ),
    ${claimRecordCtes(claim, 'numbered')}
    SELECT
      numbered.*,
      (SELECT count(*)::int FROM reserved) AS reserved_lines,
      (SELECT count(*)::int FROM slot) AS slot_booked,
      ${AVAILABLE} AS available
    FROM (SELECT 1) AS claim LEFT JOIN numbered ON true
  `.execute(trx)
  const row = result.rows[0]
  if (!row) throw new Error('the checkout claim returned no row')
  const { reserved_lines, slot_booked, available, ...order } = row
  const availableByVariant = typeof available === 'string' ? JSON.parse(available) : available
  return {
    reserved: reserved_lines === claim.lines.length,
    slotBooked: slot_booked === 1,
    order: order.id === null ? null : (order as SalesOrderRow),
    available: new Map(Object.entries(availableByVariant as Record<string, number>)),
  }
}

/** The numbered order's columns (all null when the claim failed) beside the claim's outcome. */
type ClaimRow = { [Column in keyof SalesOrderRow]: SalesOrderRow[Column] | null } & {
  reserved_lines: number
  slot_booked: number
  available: unknown
}
