import type { InventoryLevelRow } from '../../db/database.js'

export type StockStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK'

export interface Availability {
  available: number
  status: StockStatus
}

/** What a shopper may still take: on hand less what orders hold and the store keeps back. */
export function availableQuantity(
  level: Pick<InventoryLevelRow, 'on_hand' | 'reserved' | 'safety_stock'> | undefined,
): number {
  if (!level) return 0
  return Math.max(0, level.on_hand - level.reserved - level.safety_stock)
}

export function availabilityOf(available: number, lowStockThreshold: number): Availability {
  if (available <= 0) return { available: 0, status: 'OUT_OF_STOCK' }
  return { available, status: available <= lowStockThreshold ? 'LOW_STOCK' : 'IN_STOCK' }
}

/**
 * The most units one store may hold of one variant: far above any shelf, and far enough below the
 * integer column's 2^31 that no receipt or adjustment can overflow it.
 */
export const MAX_ON_HAND = 1_000_000

export interface QuantityLine {
  variantId: string
  quantity: number
}

/** The same variant twice in one request counts once, with the quantities summed. */
export function mergeQuantityLines(lines: readonly QuantityLine[]): QuantityLine[] {
  const totals = new Map<string, number>()
  for (const line of lines) totals.set(line.variantId, (totals.get(line.variantId) ?? 0) + line.quantity)
  return [...totals].map(([variantId, quantity]) => ({ variantId, quantity }))
}

export function levelKey(storeId: string, variantId: string): string {
  return `${storeId}:${variantId}`
}
