import type { Db } from '../../db/create-db.js'
import type { StockMovementRow } from '../../db/database.js'

export interface MovementPageQuery {
  storeId: string
  variantId: string | null
  from: Date | null
  to: Date | null
  /** Newest first: read movements older than this id. */
  beforeId: string | null
  limit: number
}

/** Newest first, keyset-paginated on id: the (store_id, variant_id, id) and (store_id, id) indexes serve both shapes. */
export function findMovementPage(db: Db, page: MovementPageQuery): Promise<StockMovementRow[]> {
  let query = db.selectFrom('stock_movement').selectAll().where('store_id', '=', page.storeId)
  if (page.variantId !== null) query = query.where('variant_id', '=', page.variantId)
  if (page.from !== null) query = query.where('created_at', '>=', page.from)
  if (page.to !== null) query = query.where('created_at', '<', page.to)
  if (page.beforeId !== null) query = query.where('id', '<', page.beforeId)
  return query.orderBy('id', 'desc').limit(page.limit).execute()
}
