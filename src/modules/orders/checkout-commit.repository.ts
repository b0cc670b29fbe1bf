import { sql } from 'kysely'
import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export interface CheckoutClaim {
  orderId: string
  storeId: string
  slotStart: Date
  slotCapacity: number
  lines: readonly { variantId: string; quantity: number }[]
}

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
 * The same rules live in the services (reserveIfAvailable, bookSlot, nextOrderSequence); the
 * checkout concurrency tests hold this statement to them.
 */
export async function claimStockSlotAndNumber(trx: Trx, claim: CheckoutClaim): Promise<CheckoutClaimResult> {
  const wanted = sql.join(claim.lines.map((line) => sql`(${line.variantId}::uuid, ${line.quantity}::int)`))
  const storeId = sql`${claim.storeId}::uuid`
  const result = await sql<ClaimRow>`
    WITH wanted (variant_id, quantity) AS (VALUES ${wanted}),
    locked AS MATERIALIZED (
      SELECT variant_id, on_hand - reserved - safety_stock AS available
      FROM inventory_level
      WHERE store_id = ${storeId} AND variant_id IN (SELECT variant_id FROM wanted)
      ORDER BY variant_id
      FOR UPDATE
    ),
    reserved AS (
      UPDATE inventory_level AS level
      SET reserved = level.reserved + wanted.quantity, updated_at = now()
      FROM wanted
      WHERE level.store_id = ${storeId}
        AND level.variant_id = wanted.variant_id
        AND level.variant_id IN (SELECT variant_id FROM locked)
        AND NOT EXISTS (
          SELECT 1 FROM wanted AS line LEFT JOIN locked USING (variant_id)
          WHERE locked.available IS NULL OR locked.available < line.quantity
        )
      RETURNING level.variant_id, wanted.quantity
    ),
    slot AS (
      INSERT INTO pickup_slot_booking (store_id, slot_start, booked)
      SELECT ${storeId}, ${claim.slotStart}::timestamptz, 1
      WHERE (SELECT count(*) FROM reserved) = ${claim.lines.length}
      ON CONFLICT (store_id, slot_start) DO UPDATE SET booked = pickup_slot_booking.booked + 1
        WHERE pickup_slot_booking.booked < ${claim.slotCapacity}
      RETURNING booked
    ),
    counter AS (
      INSERT INTO store_order_counter (store_id, last_number)
      SELECT ${storeId}, 1 WHERE EXISTS (SELECT 1 FROM slot)
      ON CONFLICT (store_id) DO UPDATE SET last_number = store_order_counter.last_number + 1
      RETURNING last_number
    ),
    numbered AS (
      UPDATE sales_order
      SET number = lpad(counter.last_number::text, greatest(4, length(counter.last_number::text)), '0')
      FROM counter
      WHERE sales_order.id = ${claim.orderId}::uuid
      RETURNING sales_order.*
    ),
    ledger AS (
      INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reserved_delta, reason, order_id, actor_type)
      SELECT ${storeId}, variant_id, 0, quantity, 'RESERVATION', ${claim.orderId}::uuid, 'SYSTEM'
      FROM reserved WHERE EXISTS (SELECT 1 FROM numbered)
    ),
    inventory_event AS (
      INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
      SELECT 'inventory.changed', 'store', ${claim.storeId},
        jsonb_build_object('storeId', ${claim.storeId}::text, 'variantIds', jsonb_agg(variant_id::text ORDER BY variant_id))
      FROM reserved
      HAVING count(*) > 0 AND EXISTS (SELECT 1 FROM numbered)
    )
    SELECT
      numbered.*,
      (SELECT count(*)::int FROM reserved) AS reserved_lines,
      (SELECT count(*)::int FROM slot) AS slot_booked,
      (SELECT coalesce(jsonb_object_agg(variant_id::text, available), '{}'::jsonb) FROM locked) AS available
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
