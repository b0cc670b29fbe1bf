import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'

/**
 * A store's latest ready orders, within `days` of its last: seconds from the start of their
 * preparation (else from being placed, else from creation) to ready, and the units picked
 * (missing ones included: they were looked for). Reads sales_order_store_ready_idx.
 */
export async function findRecentPreparations(db: Db, storeId: string, limit: number, days: number) {
  const { rows } = await sql<{ seconds: number; units: number }>`
    WITH latest AS (
      SELECT max(ready_at) AS at FROM sales_order WHERE store_id = ${storeId} AND ready_at IS NOT NULL
    )
    SELECT extract(epoch FROM o.ready_at - coalesce(
             (SELECT min(c.at) FROM order_status_change c WHERE c.order_id = o.id AND c.status = 'PREPARING'),
             (SELECT min(c.at) FROM order_status_change c WHERE c.order_id = o.id AND c.status = 'PLACED'),
             o.created_at))::float8 AS seconds,
           (SELECT coalesce(sum(l.quantity + l.missing_quantity), 0) FROM order_line l WHERE l.order_id = o.id)::int AS units
    FROM sales_order o, latest
    WHERE o.store_id = ${storeId} AND o.ready_at IS NOT NULL
      AND o.ready_at >= latest.at - make_interval(days => ${days})
    ORDER BY o.ready_at DESC
    LIMIT ${limit}
  `.execute(db)
  return rows.map((row) => ({ seconds: Math.max(0, Number(row.seconds)), units: Number(row.units) }))
}

/** The orders of a store still to prepare (placed or being prepared), with their units. */
export async function findOrdersToPrepare(db: Db, storeId: string) {
  const { rows } = await sql<{
    id: string
    status: 'PLACED' | 'PREPARING'
    units: number
    pickup_slot_start: Date | string | null
    created_at: Date | string
    preparing_since: Date | string | null
  }>`
    SELECT o.id, o.status, o.pickup_slot_start, o.created_at,
           (SELECT coalesce(sum(l.quantity), 0) FROM order_line l WHERE l.order_id = o.id)::int AS units,
           CASE WHEN o.status = 'PREPARING' THEN
             (SELECT max(c.at) FROM order_status_change c WHERE c.order_id = o.id AND c.status = 'PREPARING')
           END AS preparing_since
    FROM sales_order o
    WHERE o.store_id = ${storeId} AND o.status IN ('PLACED', 'PREPARING')
  `.execute(db)
  return rows
}
