import { sql } from 'kysely'
import type { Trx } from '../../db/transaction.js'

/**
 * Locks the cart if it is still ACTIVE and the version the checkout read (comptoir_take_cart,
 * the check comptoir_place_orders makes for every write); false, and nothing locked, otherwise.
 */
export async function takeCart(trx: Trx, cartId: string, version: string): Promise<boolean> {
  const { rows } = await sql<{ taken: boolean }>`
    SELECT comptoir_take_cart(${cartId}::uuid, ${version}::xid) AS taken`.execute(trx)
  return rows[0]?.taken === true
}
