import type { OrderLineRow, SalesOrderRow } from '../../db/database.js'
import { taxAtRates } from '../promotions/discount-pricing.js'
import { refundForReturnedUnits } from '../returns/returned-unit-refund.js'

export interface OrderView extends SalesOrderRow {
  lines: OrderLineRow[]
}

export interface OrderTotals {
  subtotalMinor: number
  discountMinor: number
  taxMinor: number
  totalMinor: number
}

type TotalledLine = Pick<OrderLineRow, 'quantity' | 'unit_price_minor' | 'tax_rate_bp'> &
  Partial<Pick<OrderLineRow, 'missing_quantity' | 'discount_minor'>>

/**
 * What a line's `quantity` units cost after its discounts: the line's discount covers every unit
 * bought (quantity + missing_quantity), and each unit carries its share of it, as a return does.
 */
export function lineTotalMinor(line: TotalledLine): number {
  const bought = line.quantity + (line.missing_quantity ?? 0)
  if (bought === 0) return 0
  const paidMinor = line.unit_price_minor * bought - (line.discount_minor ?? 0)
  return refundForReturnedUnits({ paidMinor, quantity: bought }, 0, line.quantity)
}

/**
 * Tax-inclusive totals of what the order still contains (missing units are not charged), after
 * discounts, with the tax recomputed per rate as the pricing function does (taxAtRates).
 */
export function orderTotals(lines: readonly TotalledLine[]): OrderTotals {
  const totals = lines.map(lineTotalMinor)
  const subtotalMinor = lines.reduce((sum, line) => sum + line.unit_price_minor * line.quantity, 0)
  const totalMinor = totals.reduce((sum, total) => sum + total, 0)
  const { taxes } = taxAtRates(
    lines.map((line) => ({ taxRateBp: line.tax_rate_bp })),
    totals,
  )
  return {
    subtotalMinor,
    discountMinor: subtotalMinor - totalMinor,
    taxMinor: taxes.reduce((sum, tax) => sum + tax.taxMinor, 0),
    totalMinor,
  }
}
