import type { Trx } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { isUuid } from '../shared/uuid.js'
import * as stockLowRepository from './stock-low.repository.js'

/** What every change of a store's stock records (recordInventoryChanged, the checkout's SQL, the import). */
const INVENTORY_CHANGED = 'inventory.changed'

const STOCK_LOW_EVENT = 'stock.low'

export interface TouchedLevel {
  storeId: string
  variantId: string
}

/**
 * The levels a batch of outbox events changed. A payload not of the expected shape is skipped
 * rather than failing the claim, which would hold every later event back with it.
 */
export function touchedLevels(events: readonly { type: string; payload: Record<string, unknown> }[]): TouchedLevel[] {
  const levels: TouchedLevel[] = []
  for (const event of events) {
    if (event.type !== INVENTORY_CHANGED) continue
    const { storeId, variantIds } = event.payload
    if (typeof storeId !== 'string' || !isUuid(storeId) || !Array.isArray(variantIds)) continue
    for (const variantId of variantIds) {
      if (typeof variantId === 'string' && isUuid(variantId)) levels.push({ storeId, variantId })
    }
  }
  return levels
}

/**
 * Announces `stock.low` for each touched level that has just fallen to or below its store's
 * threshold, once per crossing (stock-low.repository.ts remembers it until the level is back
 * above). The levels are read as they are now, not as each event left them: a dip restocked
 * before the batch is consumed is not announced. In the caller's transaction (the outbox claim).
 */
export async function announceStockLow(trx: Trx, levels: readonly TouchedLevel[], now: Date): Promise<number> {
  const crossings = await stockLowRepository.recordStockLowCrossings(trx, levels, now)
  for (const crossing of crossings) {
    await recordEvent(trx, {
      type: STOCK_LOW_EVENT,
      aggregateType: 'store',
      aggregateId: crossing.store_id,
      payload: {
        storeId: crossing.store_id,
        storeCode: crossing.store_code,
        variantId: crossing.variant_id,
        sku: crossing.sku,
        availableQuantity: crossing.available,
        lowStockThreshold: crossing.threshold,
      },
    })
  }
  return crossings.length
}
