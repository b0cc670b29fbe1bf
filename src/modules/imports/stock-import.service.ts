import type { Db } from '../../db/create-db.js'
import type { ImportLineError } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { addOutcome, type BatchOutcome, type BatchSettings, databaseRefusal, emptyOutcome } from './batch-outcome.js'
import { inBatchTransaction } from './batch-transaction.js'
import type { StockLine } from './stock-csv.js'
import * as stockRepository from './stock-import.repository.js'

/** The ledger reason of an on-hand level set by an import (an adjustment whose new value the file states). */
export const IMPORT_REASON = 'IMPORT'

/**
 * Sets on hand for a batch of lines, each line whole or not at all: the level takes the file's
 * number, the ledger gets the difference (reason IMPORT, the job as reference), and the store's
 * inventory.changed event names the variants. A line below what orders have reserved is refused.
 * Locks the batch's levels in (store, variant) order.
 */
export async function applyStockBatch(
  db: Db,
  lines: readonly StockLine[],
  settings: BatchSettings,
): Promise<BatchOutcome> {
  const known = new Map(
    (
      await stockRepository.findVariantIdsBySku(
        db,
        lines.map((line) => line.sku),
      )
    ).map((row) => [row.sku, row.id]),
  )
  let outcome = emptyOutcome()
  const resolved: (StockLine & { variantId: string })[] = []
  for (const line of lines) {
    const variantId = known.get(line.sku)
    if (variantId) resolved.push({ ...line, variantId })
    else
      outcome = addOutcome(
        outcome,
        refusedLine({ line: line.line, message: `sku: no variant has the SKU ${line.sku}.` }),
      )
  }
  try {
    return addOutcome(outcome, await inBatchTransaction(db, resolved, settings, writeLevels))
  } catch (error) {
    if (resolved.length <= 1) {
      return resolved[0]
        ? addOutcome(outcome, refusedLine({ line: resolved[0].line, message: databaseRefusal(error) }))
        : outcome
    }
    for (const line of resolved) outcome = addOutcome(outcome, await applyStockBatch(db, [line], settings))
    return outcome
  }
}

function refusedLine(error: ImportLineError): BatchOutcome {
  return { changed: 0, failedLines: 1, errors: [error] }
}

async function writeLevels(
  trx: Trx,
  lines: readonly (StockLine & { variantId: string })[],
  settings: BatchSettings,
): Promise<BatchOutcome> {
  const keyOf = (storeId: string, variantId: string) => `${storeId}:${variantId}`
  // A level is created only to hold stock: a zero for a pair with no level changes nothing.
  await stockRepository.ensureLevels(
    trx,
    lines.filter((line) => line.onHand > 0).map((line) => ({ store_id: line.storeId, variant_id: line.variantId })),
  )
  const levels = new Map(
    (
      await stockRepository.lockLevels(
        trx,
        lines.map((line) => ({ store_id: line.storeId, variant_id: line.variantId })),
      )
    ).map((level) => [keyOf(level.store_id, level.variant_id), level]),
  )
  let outcome = emptyOutcome()
  const changes: (stockRepository.LevelKey & { on_hand: number; delta: number })[] = []
  for (const line of lines) {
    const level = levels.get(keyOf(line.storeId, line.variantId)) ?? { on_hand: 0, reserved: 0 }
    if (line.onHand < level.reserved) {
      outcome = addOutcome(
        outcome,
        refusedLine({
          line: line.line,
          message: `on_hand: ${line.onHand} is below the ${level.reserved} units orders hold in ${line.storeCode}.`,
        }),
      )
    } else if (line.onHand !== level.on_hand) {
      changes.push({
        store_id: line.storeId,
        variant_id: line.variantId,
        on_hand: line.onHand,
        delta: line.onHand - level.on_hand,
      })
    }
  }
  const changed = await stockRepository.setOnHand(trx, changes)
  await stockRepository.insertMovements(
    trx,
    changes.map((change) => ({
      store_id: change.store_id,
      variant_id: change.variant_id,
      on_hand_delta: change.delta,
      reason: IMPORT_REASON,
      actor_type: settings.author.actor.type,
      actor_id: settings.author.actor.id,
      reference: `import:${settings.runId}`,
    })),
  )
  const variantsByStore = new Map<string, string[]>()
  for (const change of changes)
    variantsByStore.set(change.store_id, [...(variantsByStore.get(change.store_id) ?? []), change.variant_id])
  for (const [storeId, variantIds] of variantsByStore) {
    await recordEvent(trx, {
      type: 'inventory.changed',
      aggregateType: 'store',
      aggregateId: storeId,
      payload: { storeId, variantIds },
    })
  }
  return addOutcome(outcome, { changed, failedLines: 0, errors: [] })
}
