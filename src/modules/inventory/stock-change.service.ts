import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import type { QuantityLine } from './inventory.js'
import { type AdjustmentReason, adjustStock, receiveStock, type StockActor } from './inventory.service.js'

/** A store's own changes to its on-hand stock, each in one transaction with its ledger rows and event. */

export async function receiveDelivery(
  db: Db,
  request: { storeId: string; lines: QuantityLine[]; reference: string | null; actor: StockActor },
): Promise<InventoryLevelRow[]> {
  await assertStoreExists(db, request.storeId)
  return inTransaction(db, (trx) => receiveStock(trx, request))
}

export async function correctStock(
  db: Db,
  request: {
    storeId: string
    variantId: string
    delta: number
    reason: AdjustmentReason
    note: string | null
    actor: StockActor
  },
): Promise<InventoryLevelRow> {
  await assertStoreExists(db, request.storeId)
  return inTransaction(db, (trx) => adjustStock(trx, request))
}

async function assertStoreExists(db: Db, storeId: string): Promise<void> {
  if (!(await findStore(db, storeId))) throw new NotFoundError('Store', storeId)
}
