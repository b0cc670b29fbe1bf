import { canActOnStore, type Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { findCartRow } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'

export type OrderGrant = 'SHOPPER' | 'STAFF'

/**
 * The shopper reaches an order as its customer, or (a guest) with a token of the cart it came
 * from; staff reach the orders of their store. null: the caller is told there is no such order.
 * A cart token never reaches a customer's order: a kiosk whose cart was merged into a customer's,
 * or that left a cart the customer then checked out, keeps no view of their orders.
 */
export async function grantOrderAccess(
  db: Db,
  order: SalesOrderRow,
  credentials: CartCredentials,
): Promise<OrderGrant | null> {
  const viewer = credentials.viewer
  if (isOwnOrder(order, viewer)) return 'SHOPPER'
  if (canActOnStore(viewer, order.store_id)) return 'STAFF'
  if (credentials.cartToken && order.cart_id && order.customer_id === null) {
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

/**
 * Whether whoever has just placed the order (holding its cart's token, or owning the cart) sees
 * it as its shopper: a guest order, or their own; a customer's order placed with a leftover cart
 * token is not shown to that token.
 */
export function placerSeesOrder(order: Pick<SalesOrderRow, 'customer_id'>, viewer: Viewer): boolean {
  return order.customer_id === null || isOwnOrder(order, viewer)
}

function isOwnOrder(order: Pick<SalesOrderRow, 'customer_id'>, viewer: Viewer): boolean {
  return viewer.kind === 'customer' && order.customer_id === viewer.customerId
}
