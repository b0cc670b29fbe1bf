import type { Trx } from '../../db/transaction.js'

/** Which idle carts a cleanup rule targets: any empty one, or by owner. */
export type IdleCartKind = 'empty' | 'anonymous' | 'customer'

/**
 * Locks up to `limit` ACTIVE or MERGED carts of a kind, untouched since `idleBefore`, oldest
 * first. SKIP LOCKED passes over carts someone is changing right now (adding a line takes a key
 * lock on its cart); the lock then keeps them as they are until the caller commits.
 */
export async function lockIdleCartIds(
  trx: Trx,
  kind: IdleCartKind,
  idleBefore: Date,
  limit: number,
): Promise<string[]> {
  let query = trx
    .selectFrom('cart')
    .select('cart.id')
    .where('cart.status', 'in', ['ACTIVE', 'MERGED'])
    .where('cart.updated_at', '<', idleBefore)
    // A cart holding stock waits until its hold is released (by the hold expiry job).
    .where(({ exists, not, selectFrom }) =>
      not(exists(selectFrom('cart_hold').select('cart_hold.cart_id').whereRef('cart_hold.cart_id', '=', 'cart.id'))),
    )
  if (kind === 'empty') {
    query = query.where(({ exists, not, selectFrom }) =>
      not(exists(selectFrom('cart_line').select('cart_line.cart_id').whereRef('cart_line.cart_id', '=', 'cart.id'))),
    )
  } else {
    query = query.where('cart.customer_id', kind === 'anonymous' ? 'is' : 'is not', null)
  }
  const rows = await query.orderBy('cart.updated_at').limit(limit).forUpdate().skipLocked().execute()
  return rows.map((row) => row.id)
}

/** Unlinks the carts merged into any of `cartIds`, so that deleting these never trips the foreign key. */
export async function detachMergedCarts(trx: Trx, cartIds: readonly string[]): Promise<void> {
  if (cartIds.length === 0) return
  await trx.updateTable('cart').set({ merged_into_cart_id: null }).where('merged_into_cart_id', 'in', cartIds).execute()
}

/** Deletes carts; their lines, tokens and hand-off codes cascade, their cart_event history stays. */
export async function deleteCarts(trx: Trx, cartIds: readonly string[]): Promise<number> {
  if (cartIds.length === 0) return 0
  const result = await trx.deleteFrom('cart').where('id', 'in', cartIds).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredHandoffs(trx: Trx, expiredBefore: Date, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('cart_handoff')
    .where('code_hash', 'in', (eb) =>
      eb
        .selectFrom('cart_handoff')
        .select('code_hash')
        .where('expires_at', '<', expiredBefore)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
