import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow, StockCountLineRow, StockCountRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, type AuditChange, recordAudit } from '../audit/audit.service.js'
import { findVariantsByIds } from '../catalog/catalog.service.js'
import * as inventoryRepository from './inventory.repository.js'
import { recordInventoryChanged } from './inventory.service.js'
import { levelAuditChange } from './inventory-audit.js'
import { CountBelowReservedError, type CountLineFigures, CountStaleError } from './stock-count.errors.js'
import * as countRepository from './stock-count.repository.js'
import { lockOpenCount, staffIdOf } from './stock-count.service.js'

/**
 * Applies an open count in one transaction: each recorded line whose count differs from on hand
 * becomes a COUNT_CORRECTION ledger row and moves on hand to the counted figure. Refused, with
 * nothing changed, when any recorded line's on hand moved since it was recorded (COUNT_STALE: a
 * sale or delivery during the count makes the figure wrong) or when it counted fewer units than
 * orders reserve. Lines never recorded stay as they are. Locks the count, then the levels in
 * variant order; every writer of a level locks it first, so no movement lands between the
 * staleness check and the correction.
 */
export function applyCount(db: Db, request: { countId: string; author: AuditAuthor }): Promise<StockCountRow> {
  return inTransaction(db, async (trx) => {
    const count = await lockOpenCount(trx, request.countId)
    const recorded = (await countRepository.findCountLines(trx, [count.id])).filter(isRecorded)
    const levels = await inventoryRepository.lockLevels(
      trx,
      count.store_id,
      recorded.map((line) => line.variant_id),
    )
    const figures = await figuresOf(trx, recorded, levels)
    const stale = new Set(await countRepository.findStaleLines(trx, count.id, count.store_id))
    if (stale.size > 0) throw new CountStaleError(figures.filter((line) => stale.has(line.variantId)))
    const short = figures.filter((line) => line.counted < line.reserved)
    if (short.length > 0) throw new CountBelowReservedError(short)
    const corrections = figures.filter((line) => line.counted !== line.onHand)
    await correctLevels(trx, count, corrections, request.author)
    const applied = await countRepository.markApplied(trx, count.id, staffIdOf(request.author))
    await recordAudit(trx, request.author, {
      entity: 'stock_count',
      entityId: count.id,
      action: 'APPLY',
      before: { status: count.status },
      after: {
        status: applied.status,
        corrections: corrections.map((line) => ({
          variantId: line.variantId,
          expected: line.onHand,
          counted: line.counted,
        })),
      },
    })
    return applied
  })
}

type RecordedLine = StockCountLineRow & { counted: number }

function isRecorded(line: StockCountLineRow): line is RecordedLine {
  return line.counted !== null
}

type LineFigures = CountLineFigures & { variantId: string; level: InventoryLevelRow }

async function figuresOf(trx: Trx, lines: RecordedLine[], levels: InventoryLevelRow[]): Promise<LineFigures[]> {
  const byVariant = new Map(levels.map((level) => [level.variant_id, level]))
  const skus = new Map(
    (
      await findVariantsByIds(
        trx,
        lines.map((line) => line.variant_id),
      )
    ).map((variant) => [variant.id, variant.sku]),
  )
  return lines.map((line) => {
    const level = byVariant.get(line.variant_id)
    // Recording a line creates its level, and levels are never deleted.
    if (!level) throw new Error(`inventory level missing for a recorded count line ${line.variant_id}`)
    return {
      variantId: line.variant_id,
      sku: skus.get(line.variant_id) ?? line.variant_id,
      expected: line.expected,
      onHand: level.on_hand,
      reserved: level.reserved,
      counted: line.counted,
      level,
    }
  })
}

async function correctLevels(trx: Trx, count: StockCountRow, lines: LineFigures[], author: AuditAuthor) {
  if (lines.length === 0) return
  const changes: AuditChange[] = []
  for (const line of lines) {
    const after = await inventoryRepository.addToOnHand(trx, count.store_id, line.variantId, line.counted - line.onHand)
    changes.push(levelAuditChange('COUNT_CORRECTION', line.level, after, { countId: count.id }))
  }
  await inventoryRepository.insertMovements(
    trx,
    lines.map((line) => ({
      store_id: count.store_id,
      variant_id: line.variantId,
      on_hand_delta: line.counted - line.onHand,
      reason: 'COUNT_CORRECTION',
      order_id: null,
      count_id: count.id,
      actor_type: author.actor.type,
      actor_id: author.actor.id,
      reference: null,
      note: null,
    })),
  )
  await recordAudit(trx, author, changes)
  await recordInventoryChanged(
    trx,
    count.store_id,
    lines.map((line) => line.variantId),
  )
}
