import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { mergeQuantityLines, type QuantityLine } from './inventory.js'
import { type AdjustmentReason, adjustStock, receiveStock } from './inventory.service.js'
import { levelAuditChange, levelBefore } from './inventory-audit.js'

/**
 * A store's own changes to its on-hand stock, each in one transaction with its ledger rows, event
 * and audit entries.
 */

export async function receiveDelivery(
  db: Db,
  request: { storeId: string; lines: QuantityLine[]; reference: string | null; author: AuditAuthor },
): Promise<InventoryLevelRow[]> {
  await assertStoreExists(db, request.storeId)
  const received = new Map(mergeQuantityLines(request.lines).map((line) => [line.variantId, line.quantity]))
  return inTransaction(db, async (trx) => {
    const levels = await receiveStock(trx, { ...request, actor: request.author.actor })
    await recordAudit(
      trx,
      request.author,
      levels.map((level) => {
        const quantity = received.get(level.variant_id) ?? 0
        return levelAuditChange('RECEIVE', levelBefore(level, quantity), level, { reference: request.reference })
      }),
    )
    return levels
  })
}

export async function correctStock(
  db: Db,
  request: {
    storeId: string
    variantId: string
    delta: number
    reason: AdjustmentReason
    note: string | null
    author: AuditAuthor
  },
): Promise<InventoryLevelRow> {
  await assertStoreExists(db, request.storeId)
  return inTransaction(db, async (trx) => {
    const level = await adjustStock(trx, { ...request, actor: request.author.actor })
    await recordAudit(
      trx,
      request.author,
      levelAuditChange('ADJUST', levelBefore(level, request.delta), level, {
        reason: request.reason,
        note: request.note,
      }),
    )
    return level
  })
}

export async function assertStoreExists(db: Db, storeId: string): Promise<void> {
  if (!(await findStore(db, storeId))) throw new NotFoundError('Store', storeId)
}
