import { sql } from 'kysely'
import type { Trx } from '../../db/transaction.js'
import { availableUnitsSql } from './available-units.sql.js'

export interface StockLowCrossingRow {
  store_id: string
  store_code: string
  variant_id: string
  sku: string
  available: number
  threshold: number
}

/**
 * One statement for a batch's touched levels: each level whose available units (on hand less
 * reserved less safety stock, as shoppers are shown) are at or below its store's
 * low_stock_threshold gets its alert row, and the rows that insert creates are the crossings
 * returned; each level back above loses its row, which re-arms it. Reads the levels without
 * locking them (checkouts hold those rows) and joins store and variant for the threshold and the
 * names the message carries. Concurrent claimers agree through the alert's primary key.
 */
export async function recordStockLowCrossings(
  trx: Trx,
  levels: readonly { storeId: string; variantId: string }[],
  at: Date,
): Promise<StockLowCrossingRow[]> {
  if (levels.length === 0) return []
  const { rows } = await sql<StockLowCrossingRow>`
    WITH touched AS (
      SELECT DISTINCT t.store_id, t.variant_id
      FROM unnest(${levels.map((level) => level.storeId)}::uuid[], ${levels.map((level) => level.variantId)}::uuid[])
        AS t(store_id, variant_id)
    ), seen AS (
      SELECT l.store_id, s.code AS store_code, l.variant_id, v.sku,
        greatest(0, ${availableUnitsSql('l')}) AS available, s.low_stock_threshold AS threshold
      FROM touched t
      JOIN inventory_level l ON l.store_id = t.store_id AND l.variant_id = t.variant_id
      JOIN store s ON s.id = l.store_id
      JOIN variant v ON v.id = l.variant_id AND v.active
    ), rearmed AS (
      DELETE FROM stock_low_alert a USING seen
      WHERE a.store_id = seen.store_id AND a.variant_id = seen.variant_id AND seen.available > seen.threshold
    ), crossed AS (
      INSERT INTO stock_low_alert (store_id, variant_id, since)
      SELECT store_id, variant_id, ${at}::timestamptz FROM seen WHERE available <= threshold
      ORDER BY store_id, variant_id
      ON CONFLICT (store_id, variant_id) DO NOTHING
      RETURNING store_id, variant_id
    )
    SELECT seen.store_id, seen.store_code, seen.variant_id, seen.sku, seen.available, seen.threshold
    FROM crossed JOIN seen USING (store_id, variant_id)
    ORDER BY seen.store_id, seen.variant_id`.execute(trx)
  return rows
}
