import type { Trx } from '../../db/transaction.js'

/**
 * Takes one use if any is left: the row lock this UPDATE takes queues every other checkout for
 * the same promotion behind this transaction, so the limit holds exactly. Null when none is left
 * (or the promotion was archived meanwhile).
 */
export function takeUse(
  trx: Trx,
  promotionId: string,
): Promise<{ usage_limit_per_customer: number | null } | undefined> {
  return trx
    .updateTable('promotion')
    .set((eb) => ({ times_used: eb('times_used', '+', 1) }))
    .where('id', '=', promotionId)
    .where('archived_at', 'is', null)
    .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('times_used', '<', eb.ref('usage_limit'))]))
    .returning('usage_limit_per_customer')
    .executeTakeFirst()
}

/** Read after takeUse, under the promotion's lock: no other use by this customer can commit meanwhile. */
export async function countLiveCustomerUses(trx: Trx, promotionId: string, customerId: string): Promise<number> {
  const row = await trx
    .selectFrom('promotion_usage')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('promotion_id', '=', promotionId)
    .where('customer_id', '=', customerId)
    .where('released_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertUse(
  trx: Trx,
  use: { promotionId: string; orderId: string; customerId: string | null; code: string | null; amountMinor: number },
): Promise<void> {
  await trx
    .insertInto('promotion_usage')
    .values({
      promotion_id: use.promotionId,
      order_id: use.orderId,
      customer_id: use.customerId,
      code: use.code,
      amount_minor: use.amountMinor,
    })
    .execute()
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
