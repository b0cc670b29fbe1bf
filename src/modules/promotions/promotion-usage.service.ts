import type { Trx } from '../../db/transaction.js'
import type { AppliedPromotion } from './discount-pricing.js'
import { PromotionExhaustedError } from './promotion.errors.js'
import { countLiveCustomerUses, insertUse, releaseUses, takeUse } from './promotion-usage.repository.js'

/**
 * Records that an order used the promotions it was priced with, in the order's own transaction:
 * either every use is taken and the order commits with them, or PromotionExhaustedError rolls the
 * whole order back. Promotions are taken in id order so two orders never wait on each other.
 */
export async function consumePromotionUses(
  trx: Trx,
  order: { orderId: string; customerId: string | null; applied: readonly AppliedPromotion[] },
): Promise<void> {
  const applied = [...order.applied].sort((a, b) =>
    a.promotionId < b.promotionId ? -1 : a.promotionId > b.promotionId ? 1 : 0,
  )
  for (const use of applied) {
    const taken = await takeUse(trx, use.promotionId)
    if (!taken) throw new PromotionExhaustedError(use.promotionId, use.code, 'DISCOUNT_CODE_LIMIT_REACHED')
    if (taken.usage_limit_per_customer !== null) {
      const used =
        order.customerId === null
          ? Number.POSITIVE_INFINITY
          : await countLiveCustomerUses(trx, use.promotionId, order.customerId)
      if (used >= taken.usage_limit_per_customer) {
        throw new PromotionExhaustedError(use.promotionId, use.code, 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED')
      }
    }
    await insertUse(trx, { ...use, orderId: order.orderId, customerId: order.customerId })
  }
}

/** Gives back the uses of a cancelled or expired order, in the transaction that cancels it. */
export function releasePromotionUses(trx: Trx, orderId: string, now: Date): Promise<string[]> {
  return releaseUses(trx, orderId, now)
}
