/**
 * What returning `returning` more units of an order line refunds, when `alreadyReturned` were
 * returned before: each unit's share of what the line was paid after its discounts. The first n
 * units returned are worth floor(paid × n / quantity) and all of them exactly `paid`, so partial
 * returns never add up to more than the line was paid, and the last one collects the rounding.
 */
export function refundForReturnedUnits(
  line: { paidMinor: number; quantity: number },
  alreadyReturned: number,
  returning: number,
): number {
  const { paidMinor, quantity } = line
  if (!Number.isSafeInteger(paidMinor) || paidMinor < 0)
    throw new RangeError('paidMinor must be a non-negative integer')
  if (!Number.isInteger(quantity) || quantity < 1) throw new RangeError('quantity must be a positive integer')
  if (!Number.isInteger(alreadyReturned) || !Number.isInteger(returning) || alreadyReturned < 0 || returning < 0) {
    throw new RangeError('returned quantities are non-negative integers')
  }
  if (alreadyReturned + returning > quantity) throw new RangeError('cannot return more units than were bought')
  return (
    worthOfFirstUnits(paidMinor, quantity, alreadyReturned + returning) -
    worthOfFirstUnits(paidMinor, quantity, alreadyReturned)
  )
}

function worthOfFirstUnits(paidMinor: number, quantity: number, units: number): number {
  if (units === quantity) return paidMinor
  // BigInt: paid × units can pass 2^53 on a large line.
  return Number((BigInt(paidMinor) * BigInt(units)) / BigInt(quantity))
}

type ReturnedLine = { quantity: number; missing_quantity: number; unit_price_minor: number; discount_minor: number }

/**
 * The refund for `returning` more collected units of an order line: the line was paid for every
 * unit bought (quantity + missing_quantity) less its discount, and each unit is worth its share.
 * All the collected units together are worth exactly the line's total (lineTotalMinor, which
 * counts the collected units first the same way), so returns never pass what the order charged.
 */
export function refundForReturnedLineUnits(line: ReturnedLine, alreadyReturned: number, returning: number): number {
  const bought = line.quantity + line.missing_quantity
  const paidMinor = line.unit_price_minor * bought - line.discount_minor
  if (alreadyReturned + returning > line.quantity) throw new RangeError('cannot return units that were not collected')
  return refundForReturnedUnits({ paidMinor, quantity: bought }, alreadyReturned, returning)
}
