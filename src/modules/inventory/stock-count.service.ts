import type { Db } from '../../db/create-db.js'
import type { StockCountLineRow, StockCountRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { findCategoriesByIds } from '../catalog/catalog.service.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import * as inventoryRepository from './inventory.repository.js'
import { assertStoreExists } from './stock-change.service.js'
import {
  CountLinesError,
  InvalidCountStateError,
  UnknownCategoryError,
  UnknownCountError,
} from './stock-count.errors.js'
import * as countRepository from './stock-count.repository.js'

export interface CountedLine {
  variantId: string
  counted: number
}

/**
 * Opens a count sheet: one line per active variant the store stocks (of the category and its
 * sub-categories when given), each with on hand now and the ledger position it was read at.
 * Share-locks those levels while reading, so that no movement slips between the two.
 */
export async function openCount(
  db: Db,
  request: { storeId: string; categoryId: string | null; author: AuditAuthor },
): Promise<StockCountRow> {
  await assertStoreExists(db, request.storeId)
  if (request.categoryId !== null && (await findCategoriesByIds(db, [request.categoryId])).length === 0) {
    throw new UnknownCategoryError()
  }
  return inTransaction(db, async (trx) => {
    const count = await countRepository.insertCount(trx, {
      storeId: request.storeId,
      categoryId: request.categoryId,
      openedBy: staffIdOf(request.author),
    })
    const levels = await countRepository.lockLevelsInScope(trx, request.storeId, request.categoryId)
    const seenMovementId = await countRepository.latestMovementId(trx)
    await countRepository.insertCountLines(
      trx,
      count.id,
      levels.map((level) => ({ variantId: level.variant_id, expected: level.on_hand, seenMovementId })),
    )
    await recordAudit(trx, request.author, {
      entity: 'stock_count',
      entityId: count.id,
      action: 'OPEN',
      before: null,
      after: { status: count.status, storeId: count.store_id, categoryId: count.category_id, lines: levels.length },
    })
    return count
  })
}

/**
 * Records counted quantities. Each recording takes a fresh snapshot of its line (on hand now and
 * the ledger position), so recounting a line that went stale makes it current again. A variant
 * the sheet lacks joins it when it is active and in the count's category (found on the shelf).
 * Locks the count, then the levels in variant order.
 */
export async function recordCount(
  db: Db,
  request: { countId: string; lines: CountedLine[]; author: AuditAuthor },
): Promise<StockCountRow> {
  assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  return inTransaction(db, async (trx) => {
    const count = await lockOpenCount(trx, request.countId)
    await assertLinesMayJoin(trx, count, request.lines)
    const sorted = [...request.lines].sort((a, b) => a.variantId.localeCompare(b.variantId))
    const variantIds = sorted.map((line) => line.variantId)
    await inventoryRepository.ensureLevels(trx, count.store_id, variantIds)
    const levels = new Map(
      (await inventoryRepository.lockLevels(trx, count.store_id, variantIds)).map((level) => [level.variant_id, level]),
    )
    const seenMovementId = await countRepository.latestMovementId(trx)
    for (const line of sorted) {
      await countRepository.recordCountLine(trx, {
        countId: count.id,
        variantId: line.variantId,
        expected: levels.get(line.variantId)?.on_hand ?? 0,
        seenMovementId,
        counted: line.counted,
        recordedBy: staffIdOf(request.author),
      })
    }
    await recordAudit(trx, request.author, {
      entity: 'stock_count',
      entityId: count.id,
      action: 'RECORD',
      before: null,
      after: {
        lines: sorted.map((line) => ({
          variantId: line.variantId,
          counted: line.counted,
          expected: levels.get(line.variantId)?.on_hand ?? 0,
        })),
      },
    })
    return count
  })
}

/** Locks the count and checks it is still open: records and the apply of one count never overlap. */
export async function lockOpenCount(trx: Trx, countId: string): Promise<StockCountRow> {
  const count = await countRepository.lockCount(trx, countId)
  if (!count) throw new UnknownCountError()
  if (count.status !== 'OPEN') throw new InvalidCountStateError(count.status)
  return count
}

async function assertLinesMayJoin(trx: Trx, count: StockCountRow, lines: CountedLine[]): Promise<void> {
  const onSheet = await countRepository.findVariantsOnCount(
    trx,
    count.id,
    lines.map((line) => line.variantId),
  )
  const newcomers = lines.filter((line) => !onSheet.has(line.variantId)).map((line) => line.variantId)
  const allowed = await countRepository.findVariantsInScope(trx, count.category_id, newcomers)
  const refused = lines.flatMap((line, index) =>
    onSheet.has(line.variantId) || allowed.has(line.variantId) ? [] : [['lines', String(index), 'variantId']],
  )
  if (refused.length > 0) throw new CountLinesError(refused)
}

export function staffIdOf(author: AuditAuthor): string | null {
  return author.actor.type === 'STAFF' ? author.actor.id : null
}

export function findCountsByIds(db: Db, ids: readonly string[]): Promise<StockCountRow[]> {
  return countRepository.findCountsByIds(db, ids)
}

export function findCountLines(db: Db, countIds: readonly string[]): Promise<StockCountLineRow[]> {
  return countRepository.findCountLines(db, countIds)
}

/** The store of a count (it never changes), for deciding who may act on it; undefined when unknown. */
export async function findCountStore(db: Db, countId: string): Promise<string | undefined> {
  const [count] = await countRepository.findCountsByIds(db, [countId])
  return count?.store_id
}
