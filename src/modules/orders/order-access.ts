import { canActOnStore, type Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { findCartRow } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'
import { NotFoundError } from '../shared/not-found.js'
import * as orderRepository from './order.repository.js'
import type { OrderActor } from './order-transition.js'

export type OrderGrant = 'SHOPPER' | 'STAFF'

/**
 * The order as the caller may see it (as its shopper, as staff of its store, or either), or
 * NotFoundError: staff of other stores learn nothing either.
 */
export async function findOrderAs(
  db: Db,
  orderId: string,
  credentials: CartCredentials,
  as: OrderGrant | 'ANY',
): Promise<SalesOrderRow> {
  const [order] = await orderRepository.findOrdersByIds(db, [orderId])
  const grant = order ? await grantOrderAccess(db, order, credentials) : null
  if (!order || !grant || (as !== 'ANY' && grant !== as)) throw new NotFoundError('Order', orderId)
  return order
}

/** Who the order's history names for a change by this caller; a guest with a cart token is its shopper. */
export function orderActorOf(viewer: Viewer): OrderActor {
  if (viewer.kind === 'staff') return { type: 'STAFF', id: viewer.staffId }
  if (viewer.kind === 'terminal') return { type: 'TERMINAL', id: viewer.terminalId }
  if (viewer.kind === 'customer') return { type: 'CUSTOMER', id: viewer.customerId }
  return { type: 'CUSTOMER', id: null }
}

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
