import type { Db } from '../../db/create-db.js'
import type { CartHoldRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function findHoldsOfCarts(db: Db, cartIds: readonly string[]): Promise<CartHoldRow[]> {
  if (cartIds.length === 0) return Promise.resolve([])
  return db.selectFrom('cart_hold').selectAll().where('cart_id', 'in', cartIds).execute()
}

export function lockHoldsOfCart(trx: Trx, cartId: string): Promise<CartHoldRow[]> {
  return trx
    .selectFrom('cart_hold')
    .selectAll()
    .where('cart_id', '=', cartId)
    .orderBy('variant_id')
    .forUpdate()
    .execute()
}

export async function insertHolds(trx: Trx, holds: CartHoldRow[]): Promise<void> {
  if (holds.length > 0) await trx.insertInto('cart_hold').values(holds).execute()
}

export async function deleteHoldsOfCart(trx: Trx, cartId: string): Promise<void> {
  await trx.deleteFrom('cart_hold').where('cart_id', '=', cartId).execute()
}

/** Carts with a lapsed hold, oldest first; carts being changed right now are passed over. */
export async function lockCartsWithExpiredHolds(trx: Trx, now: Date, limit: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('cart')
    .select('cart.id')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('cart_hold')
          .select('cart_hold.cart_id')
          .whereRef('cart_hold.cart_id', '=', 'cart.id')
          .where('cart_hold.expires_at', '<=', now),
      ),
    )
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute()
  return rows.map((row) => row.id)
}
