import { sql } from 'kysely'
import type { Trx } from '../../db/transaction.js'
import type { AppliedPromotion } from './discount-pricing.js'
import type { DiscountCodeReason } from './promotion.js'

/** The uses as the SQL rules read them (promotion-uses.v1.sql.ts). */
function usesJson(uses: readonly AppliedPromotion[]): string {
  return JSON.stringify(uses.map(({ promotionId, code, amountMinor }) => ({ promotionId, code, amountMinor })))
}

export async function lockPromotions(trx: Trx, uses: readonly AppliedPromotion[]): Promise<void> {
  await sql`SELECT comptoir_lock_promotions(${usesJson(uses)}::jsonb)`.execute(trx)
}

/** Under the promotions' locks: the first use that cannot be taken and why, or null. */
export async function promotionRefusal(
  trx: Trx,
  uses: readonly AppliedPromotion[],
  customerId: string | null,
): Promise<{ promotionId: string; code: string | null; reason: DiscountCodeReason } | null> {
  const { rows } = await sql<{ refusal: unknown }>`
    SELECT comptoir_promotion_refusal(${usesJson(uses)}::jsonb, ${customerId}::uuid) AS refusal`.execute(trx)
  const refusal = rows[0]?.refusal ?? null
  return (typeof refusal === 'string' ? JSON.parse(refusal) : refusal) as {
    promotionId: string
    code: string | null
    reason: DiscountCodeReason
  } | null
}

export async function recordPromotionUses(
  trx: Trx,
  order: { orderId: string; customerId: string | null; applied: readonly AppliedPromotion[] },
): Promise<void> {
  await sql`SELECT comptoir_record_promotion_uses(${order.orderId}::uuid, ${order.customerId}::uuid,
    ${usesJson(order.applied)}::jsonb)`.execute(trx)
}

/** Marks an order's uses given back and returns them to their promotions' counters; twice changes nothing. */
export async function releaseUses(trx: Trx, orderId: string, now: Date): Promise<string[]> {
  const released = await trx
    .updateTable('promotion_usage')
    .set({ released_at: now })
    .where('order_id', '=', orderId)
    .where('released_at', 'is', null)
    .returning('promotion_id')
    .execute()
  const promotionIds = released.map((row) => row.promotion_id).sort()
  for (const promotionId of promotionIds) {
    await trx
      .updateTable('promotion')
      .set((eb) => ({ times_used: eb('times_used', '-', 1) }))
      .where('id', '=', promotionId)
      .execute()
  }
  return promotionIds
}
