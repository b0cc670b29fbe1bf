import type { Db } from '../../db/create-db.js'
import type { StockMovementRow } from '../../db/database.js'
import { findMovementPage, type MovementPageQuery } from './stock-ledger.repository.js'

/** A store's ledger, newest first; no lock (a page is a snapshot of what had committed). */
export function findStockMovements(db: Db, page: MovementPageQuery): Promise<StockMovementRow[]> {
  return findMovementPage(db, page)
}
