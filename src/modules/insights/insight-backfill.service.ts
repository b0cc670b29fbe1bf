import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import { findCartStarts } from '../carts/cart.service.js'
import { findOrderIdsAfter } from '../orders/order.service.js'
import * as insightRepository from './insight.repository.js'
import { countCartStartRows, projectIntoRollups } from './insight-projection.service.js'

export interface BackfillProgress {
  carts: number
  orders: number
}

/**
 * Brings the rollups up to date with every cart start and order on record, a page per
 * transaction, through the projection the outbox consumer uses: what the ledger already counted
 * is skipped, so it may run beside the dispatcher, and twice. `reset` empties the rollups first
 * (a rebuild, e.g. after a change to what is counted); the dispatcher's batches wait for the
 * TRUNCATE's lock and, past their lock timeout, are retried.
 */
export async function backfillInsights(
  db: Db,
  options: { reset: boolean; pageSize?: number; onPage?: (progress: BackfillProgress) => void },
): Promise<BackfillProgress> {
  const pageSize = options.pageSize ?? 1000
  const progress: BackfillProgress = { carts: 0, orders: 0 }
  if (options.reset) await inTransaction(db, (trx) => insightRepository.clearRollups(trx))
  let afterEventId = '0'
  for (;;) {
    const starts = await findCartStarts(db, { afterEventId, limit: pageSize })
    if (starts.length === 0) break
    await inTransaction(db, (trx) => countCartStartRows(trx, starts))
    afterEventId = starts[starts.length - 1]?.event_id ?? afterEventId
    progress.carts += starts.length
    options.onPage?.(progress)
  }
  let afterOrderId: string | null = null
  for (;;) {
    const orderIds = await findOrderIdsAfter(db, afterOrderId, pageSize)
    if (orderIds.length === 0) break
    await inTransaction(db, (trx) => projectIntoRollups(trx, { cartIds: [], orderIds }))
    afterOrderId = orderIds[orderIds.length - 1] ?? afterOrderId
    progress.orders += orderIds.length
    options.onPage?.(progress)
  }
  return progress
}
