import type { Db } from '../../db/create-db.js'
import { type OrderDiscounts, orderDiscountsOf } from './order-discounts.js'
import { DiscountCodesRefusedError, PromotionExhaustedError } from './promotion.errors.js'
import { normalizeDiscountCode, type PricingContext } from './promotion.js'
import { type LineToPrice, priceWithPromotions } from './promotion-candidates.service.js'

/**
 * The discounts an order about to be placed gets (a checkout's cart, a till's sale), priced as
 * the cart or the till showed them. A code given that does not apply refuses the order: the
 * shopper expected it, so charging without it would be charging an amount they never saw.
 */
export async function discountsForOrder(
  db: Db,
  request: { lines: readonly LineToPrice[]; codes: readonly string[]; currencyCode: string; context: PricingContext },
): Promise<OrderDiscounts> {
  const { pricing, promotions } = await priceWithPromotions(db, request)
  const refused = pricing.codes.flatMap((outcome) =>
    outcome.applicable
      ? []
      : [
          {
            index: positionOfCode(request.codes, outcome.code),
            code: outcome.code,
            reason: outcome.reason ?? ('DISCOUNT_CODE_NOT_APPLICABLE' as const),
          },
        ],
  )
  if (refused.length > 0) throw new DiscountCodesRefusedError(refused)
  return orderDiscountsOf(pricing, promotions)
}

/**
 * A code whose last use another order took between pricing and writing is refused like any code
 * that does not apply, by its position; an automatic promotion that ran out keeps its own error.
 */
export function asCodeRefusal(error: unknown, codes: readonly string[]): unknown {
  if (!(error instanceof PromotionExhaustedError) || error.code === null) return error
  const { code, reason } = error
  return new DiscountCodesRefusedError([{ index: positionOfCode(codes, code), code, reason }])
}

function positionOfCode(codes: readonly string[], normalised: string): number {
  return Math.max(
    0,
    codes.findIndex((code) => normalizeDiscountCode(code) === normalised),
  )
}
