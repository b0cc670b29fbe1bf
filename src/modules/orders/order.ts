import type { OrderLineRow, SalesOrderRow } from '../../db/database.js'
import { includedTaxMinor } from '../shared/money.js'

export interface OrderView extends SalesOrderRow {
  lines: OrderLineRow[]
}

/** Tax-inclusive totals of what the order still contains (missing units are not charged). */
export function orderTotals(lines: readonly Pick<OrderLineRow, 'quantity' | 'unit_price_minor' | 'tax_rate_bp'>[]) {
  let subtotalMinor = 0
  let taxMinor = 0
  for (const line of lines) {
    const lineTotal = line.unit_price_minor * line.quantity
    subtotalMinor += lineTotal
    taxMinor += includedTaxMinor(lineTotal, line.tax_rate_bp)
  }
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor }
}
