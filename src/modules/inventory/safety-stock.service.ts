import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import * as inventoryRepository from './inventory.repository.js'
import { assertActiveVariants, recordInventoryChanged } from './inventory.service.js'
import { levelAuditChange } from './inventory-audit.js'
import { assertStoreExists } from './stock-change.service.js'

/**
 * Sets the units a store keeps back from shoppers (available = on hand − reserved − safety stock),
 * with its audit entry and an inventory event, under the level's lock. Units already promised to
 * orders stay promised: a higher safety stock only lowers what is offered from now on.
 */
export async function setSafetyStock(
  db: Db,
  request: { storeId: string; variantId: string; safetyStock: number; author: AuditAuthor },
): Promise<InventoryLevelRow> {
  await assertStoreExists(db, request.storeId)
  return inTransaction(db, async (trx) => {
    await assertActiveVariants(trx, [request.variantId], () => ['variantId'])
    await inventoryRepository.ensureLevels(trx, request.storeId, [request.variantId])
    const [before] = await inventoryRepository.lockLevels(trx, request.storeId, [request.variantId])
    if (!before) throw new Error(`inventory level vanished for ${request.storeId}/${request.variantId}`)
    const after = await inventoryRepository.setSafetyStock(trx, request.storeId, request.variantId, request.safetyStock)
    await recordAudit(trx, request.author, levelAuditChange('SAFETY_STOCK_SET', before, after))
    await recordInventoryChanged(trx, request.storeId, [request.variantId])
    return after
  })
}
