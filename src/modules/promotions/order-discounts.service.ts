import type { Db } from '../../db/create-db.js'
import type { OrderLineDiscountRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { OrderDiscounts } from './order-discounts.js'
import { findLineDiscountsOfOrders, insertOrderLineDiscounts } from './order-discounts.repository.js'
import { consumePromotionUses } from './promotion-usage.service.js'

/**
 * Keeps what an order was priced with, in the transaction that writes the order (after its lines,
 * and after its stock levels and store counter: promotions are locked last on every path). One
 * use of each promotion applied is taken first, which throws PromotionExhaustedError (rolling the
 * order back) when another order took the last use; then the snapshot rows for the receipt. In
 * that order because a snapshot row referencing a promotion takes a key-share lock on it, which
 * would hold other orders' snapshot rows and promotion locks against each other.
 */
export async function recordOrderDiscounts(
  trx: Trx,
  order: { orderId: string; customerId: string | null },
  discounts: Pick<OrderDiscounts, 'rows' | 'uses'>,
): Promise<void> {
  await consumePromotionUses(trx, { ...order, applied: discounts.uses })
  await insertOrderLineDiscounts(trx, order.orderId, discounts.rows)
}

/** The receipt's discounts of several orders, one statement, by order and line. */
export function findDiscountsOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderLineDiscountRow[]> {
  return findLineDiscountsOfOrders(db, orderIds)
}

export interface DiscountByPromotion {
  promotionId: string
  promotionName: string
  code: string | null
  amountMinor: number
}

/** An order's discounts summed over its lines, one entry per promotion, in order of first appearance. */
export function discountsByPromotion(rows: readonly OrderLineDiscountRow[]): DiscountByPromotion[] {
  const byPromotion = new Map<string, DiscountByPromotion>()
  for (const row of rows) {
    const seen = byPromotion.get(row.promotion_id)
    if (seen) seen.amountMinor += row.amount_minor
    else
      byPromotion.set(row.promotion_id, {
        promotionId: row.promotion_id,
        promotionName: row.promotion_name,
        code: row.code,
        amountMinor: row.amount_minor,
      })
  }
  return [...byPromotion.values()]
}
