import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
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

/** Marks an order's uses given back and returns them to their promotions' limits; twice changes nothing. */
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
      // Only a total limit keeps a counter (promotion-uses.v2.sql.ts); a use recorded before the
      // limit was set was not counted, and the counter never goes below zero.
      .where('usage_limit', 'is not', null)
      .where('times_used', '>', 0)
      .execute()
  }
  return promotionIds
}

/** Uses not given back, by promotion: what the back office shows as used. */
export async function countLiveUses(db: Db, promotionIds: readonly string[]): Promise<Map<string, number>> {
  if (promotionIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('promotion_usage')
    .select(['promotion_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('promotion_id', 'in', promotionIds)
    .where('released_at', 'is', null)
    .groupBy('promotion_id')
    .execute()
  return new Map(rows.map((row) => [row.promotion_id, Number(row.n)]))
}
