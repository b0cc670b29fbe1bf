import type { InventoryLevelRow } from '../../db/database.js'
import type { AuditChange } from '../audit/audit.service.js'
import { levelKey } from './inventory.js'

type LevelFigures = Pick<InventoryLevelRow, 'store_id' | 'variant_id' | 'on_hand' | 'reserved' | 'safety_stock'>

function figuresOf(level: LevelFigures) {
  return {
    storeId: level.store_id,
    variantId: level.variant_id,
    onHand: level.on_hand,
    reserved: level.reserved,
    safetyStock: level.safety_stock,
  }
}

/** The audit entry of a change to one stock level (entity inventory_level, id "store:variant"). */
export function levelAuditChange(
  action: string,
  before: LevelFigures,
  after: LevelFigures,
  details: Record<string, unknown> = {},
): AuditChange {
  return {
    entity: 'inventory_level',
    entityId: levelKey(after.store_id, after.variant_id),
    action,
    before: figuresOf(before),
    after: { ...figuresOf(after), ...details },
  }
}

/** The figures a level had before on_hand moved by `onHandDelta`, for an audit entry's "before". */
export function levelBefore<T extends LevelFigures>(after: T, onHandDelta: number): LevelFigures {
  return { ...after, on_hand: after.on_hand - onHandDelta }
}
