import { canActOnStore } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { findCartRow } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'

export type OrderGrant = 'SHOPPER' | 'STAFF'

/**
 * The shopper reaches an order as its customer, or (a guest) with a token of the cart it came
 * from; staff reach the orders of their store. null: the caller is told there is no such order.
 */
export async function grantOrderAccess(
  db: Db,
  order: SalesOrderRow,
  credentials: CartCredentials,
): Promise<OrderGrant | null> {
  const viewer = credentials.viewer
  if (viewer.kind === 'customer' && order.customer_id === viewer.customerId) return 'SHOPPER'
  if (canActOnStore(viewer, order.store_id)) return 'STAFF'
  if (credentials.cartToken && order.cart_id) {
    const cart = await findCartRow(db, order.cart_id)
    if (
      cart &&
      (await grantCartAccess(db, cart, { viewer: { kind: 'anonymous' }, cartToken: credentials.cartToken }))
    ) {
      return 'SHOPPER'
    }
  }
  return null
}
