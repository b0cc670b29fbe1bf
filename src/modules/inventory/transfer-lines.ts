import type { UserErrorEntry } from '../shared/business-error.js'
import type { QuantityLine } from './inventory.js'

export interface TransferLineLimit {
  variantId: string
  sku: string
  /** The most this step may name for the line: requested units to ship, shipped units to receive. */
  limit: number
  /** Whether the request must name the line (a request that lists lines accounts for each). */
  required: boolean
}

/**
 * Matches the lines of a ship or receive request (already free of repeats) to the transfer's:
 * each names a line of the transfer, within its limit, and every required line is named.
 * Answers the quantity per variant, or the problems, each at its input path.
 */
export function matchTransferLines(
  limits: readonly TransferLineLimit[],
  requested: readonly QuantityLine[],
  limitMeaning: string,
): { quantities: Map<string, number>; problems: UserErrorEntry[] } {
  const byVariant = new Map(limits.map((line) => [line.variantId, line]))
  const quantities = new Map<string, number>()
  const problems: UserErrorEntry[] = []
  for (const [index, line] of requested.entries()) {
    const limit = byVariant.get(line.variantId)
    if (!limit) {
      problems.push({
        code: 'UNKNOWN_LINE',
        field: ['lines', String(index), 'variantId'],
        message: 'This variant is not on the transfer.',
      })
    } else if (line.quantity > limit.limit) {
      problems.push({
        code: 'QUANTITY_LIMIT',
        field: ['lines', String(index), 'quantity'],
        message: `At most ${limit.limit} of ${limit.sku} (${limitMeaning}).`,
      })
    } else {
      quantities.set(line.variantId, line.quantity)
    }
  }
  for (const limit of limits) {
    if (limit.required && !requested.some((line) => line.variantId === limit.variantId)) {
      problems.push({ code: 'MISSING_LINE', field: ['lines'], message: `Name ${limit.sku}, with 0 if none of it.` })
    }
  }
  return { quantities, problems }
}
