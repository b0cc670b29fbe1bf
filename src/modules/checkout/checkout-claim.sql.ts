import { type RawBuilder, sql } from 'kysely'

export interface StockClaim {
  orderId: string
  storeId: string
  slotStart: Date
  slotCapacity: number
  lines: readonly { variantId: string; quantity: number }[]
}

/**
 * The common-table expressions both checkout statements share, for the rows every checkout of a
 * store contends for: `locked` (the stock rows, locked in variant order, with what they have
 * available), `reserved` (every line or none), `slot` (a place, under capacity) and `counter`
 * (the store's next number). Each runs only if the one before succeeded; the first only if
 * `gate` (a SQL condition) holds.
 */
export function claimCtes(claim: StockClaim, gate: RawBuilder<unknown>): RawBuilder<unknown> {
  const storeId = sql`${claim.storeId}::uuid`
  const wanted = sql.join(claim.lines.map((line) => sql`(${line.variantId}::uuid, ${line.quantity}::int)`))
  return sql`
    wanted (variant_id, quantity) AS (VALUES ${wanted}),
    locked AS MATERIALIZED (
      SELECT variant_id, on_hand - reserved - safety_stock AS available
      FROM inventory_level
      WHERE store_id = ${storeId} AND variant_id IN (SELECT variant_id FROM wanted) AND ${gate}
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
    )`
}

/** The order number the counter gave: at least four digits, never cut short. */
export const ORDER_NUMBER = sql`lpad(counter.last_number::text, greatest(4, length(counter.last_number::text)), '0')`

/**
 * The ledger rows and the inventory event of what `reserved` took, once the CTE named `placed`
 * (the numbered order) exists: written with the claim, in the same statement.
 */
export function claimRecordCtes(claim: StockClaim, placed: string): RawBuilder<unknown> {
  const storeId = sql`${claim.storeId}::uuid`
  const done = sql`EXISTS (SELECT 1 FROM ${sql.table(placed)})`
  return sql`
    ledger AS (
      INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reserved_delta, reason, order_id, actor_type)
      SELECT ${storeId}, variant_id, 0, quantity, 'RESERVATION', ${claim.orderId}::uuid, 'SYSTEM'
      FROM reserved WHERE ${done}
    ),
    inventory_event AS (
      INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
      SELECT 'inventory.changed', 'store', ${claim.storeId},
        jsonb_build_object('storeId', ${claim.storeId}::text, 'variantIds', jsonb_agg(variant_id::text ORDER BY variant_id))
      FROM reserved
      HAVING count(*) > 0 AND ${done}
    )`
}

/** What each wanted line had available when it was locked, by variant id. */
export const AVAILABLE = sql`(SELECT coalesce(jsonb_object_agg(variant_id::text, available), '{}'::jsonb) FROM locked)`
