import type { Db } from '../../db/create-db.js'
import { type OrderDiscounts, orderDiscountsOf } from '../promotions/order-discounts.js'
import { PromotionExhaustedError } from '../promotions/promotion.errors.js'
import { normalizeDiscountCode } from '../promotions/promotion.js'
import { priceWithPromotions } from '../promotions/promotion-candidates.service.js'
import { DiscountCodesRefusedError } from './pos-sale.errors.js'
import type { PricedSaleLine } from './pos-sale.service.js'

export interface SaleToDiscount {
  lines: readonly PricedSaleLine[]
  currencyCode: string
  /** As the cashier typed them. */
  codes: readonly string[]
  storeId: string
  customerId: string | null
  now: Date
}

/**
 * The sale priced with the promotions of its store at the till (channel POS, its customer if
 * named, now): automatic promotions apply without a code. A named code that does not apply
 * refuses the sale with its reason, so the cashier never charges what the shopper was not told.
 */
export async function discountSale(db: Db, sale: SaleToDiscount): Promise<OrderDiscounts> {
  const { pricing, promotions } = await priceWithPromotions(db, {
    lines: sale.lines.map((line, index) => ({
      key: String(index),
      variantId: line.variant.id,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      taxRateBp: line.variant.tax_rate_bp,
    })),
    codes: sale.codes,
    currencyCode: sale.currencyCode,
    context: { storeId: sale.storeId, channel: 'POS', customerId: sale.customerId, at: sale.now },
  })
  const refusals = pricing.codes.flatMap((outcome) =>
    outcome.applicable
      ? []
      : [{ index: indexOfCode(sale.codes, outcome.code), reason: outcome.reason ?? 'DISCOUNT_CODE_NOT_APPLICABLE' }],
  )
  if (refusals.length > 0) throw new DiscountCodesRefusedError(refusals)
  return orderDiscountsOf(pricing, promotions)
}

/**
 * A code whose last use another sale took between pricing and recording is refused like any
 * code that does not apply, by its position; an automatic promotion that ran out keeps its own
 * error (price the sale again: it no longer applies).
 */
export function asCodeRefusal(error: unknown, codes: readonly string[]): unknown {
  if (!(error instanceof PromotionExhaustedError) || error.code === null) return error
  return new DiscountCodesRefusedError([{ index: indexOfCode(codes, error.code), reason: error.reason }])
}

function indexOfCode(codes: readonly string[], normalised: string): number {
  return Math.max(
    0,
    codes.findIndex((code) => normalizeDiscountCode(code) === normalised),
  )
}
