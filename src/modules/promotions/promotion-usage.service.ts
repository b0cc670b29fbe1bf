import type { Trx } from '../../db/transaction.js'
import type { AppliedPromotion } from './discount-pricing.js'
import { PromotionExhaustedError } from './promotion.errors.js'
import type { DiscountCodeReason } from './promotion.js'
import { lockPromotions, promotionRefusal, recordPromotionUses, releaseUses } from './promotion-usage.repository.js'

/**
 * Records that an order used the promotions it was priced with, in the order's own transaction,
 * by the usage rules the checkout applies too (promotion-uses.v1.sql.ts): either every use is
 * taken and the order commits with them, or PromotionExhaustedError rolls the whole order back.
 * The promotions' rows stay locked until commit, so the limits hold exactly under any concurrency.
 */
export async function consumePromotionUses(
  trx: Trx,
  order: { orderId: string; customerId: string | null; applied: readonly AppliedPromotion[] },
): Promise<void> {
  if (order.applied.length === 0) return
  await lockPromotions(trx, order.applied)
  const refusal = await promotionRefusal(trx, order.applied, order.customerId)
  if (refusal) throw refusalError(refusal)
  await recordPromotionUses(trx, order)
}

export function refusalError(refusal: { promotionId: string; code: string | null; reason: DiscountCodeReason }) {
  return new PromotionExhaustedError(refusal.promotionId, refusal.code, refusal.reason)
}

/** Gives back the uses of a cancelled or expired order, in the transaction that cancels it. */
export function releasePromotionUses(trx: Trx, orderId: string, now: Date): Promise<string[]> {
  return releaseUses(trx, orderId, now)
}
