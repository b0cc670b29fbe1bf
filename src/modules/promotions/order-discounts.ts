import type { Insertable } from 'kysely'
import type { OrderLineDiscountTable } from '../../db/database.js'
import type { AppliedPromotion, PricingResult } from './discount-pricing.js'
import type { PromotionRule } from './promotion.js'

/** What an order keeps of its pricing, whichever path (checkout or till) placed it. */
export interface OrderDiscounts {
  /** Each line's discount_minor, in the lines' order. */
  lineDiscounts: number[]
  /** The snapshot by line and promotion; lines are numbered from 1 in the pricing's order. */
  rows: Omit<Insertable<OrderLineDiscountTable>, 'order_id'>[]
  /** The promotions used, one use each, consumed in the order's transaction. */
  uses: AppliedPromotion[]
}

export function orderDiscountsOf(pricing: PricingResult, promotions: readonly PromotionRule[]): OrderDiscounts {
  const byId = new Map(promotions.map((promotion) => [promotion.id, promotion]))
  const codeOf = new Map(pricing.applied.map((applied) => [applied.promotionId, applied.code]))
  return {
    lineDiscounts: pricing.lines.map((line) => line.discountMinor),
    rows: pricing.lines.flatMap((line, index) =>
      line.allocations.map((allocation) => ({
        line_number: index + 1,
        promotion_id: allocation.promotionId,
        promotion_name: byId.get(allocation.promotionId)?.name ?? '',
        code: codeOf.get(allocation.promotionId) ?? null,
        amount_minor: allocation.amountMinor,
      })),
    ),
    uses: pricing.applied.filter((applied) => applied.amountMinor > 0),
  }
}
