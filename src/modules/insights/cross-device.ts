import type { Db } from '../../db/create-db.js'
import { findCartsOnSeveralChannels } from '../carts/cart.service.js'

/**
 * The orders among these whose journey crossed devices: the one place that decides it. Until
 * journeys carry their devices (`isCrossDeviceJourney`, branch `channels`), an order counts
 * when its cart's journey events came from more than one channel.
 */
export async function crossDeviceOrders(
  db: Db,
  orders: readonly { id: string; cart_id: string | null }[],
): Promise<Set<string>> {
  const cartIds = orders.flatMap((order) => (order.cart_id === null ? [] : [order.cart_id]))
  const crossed = new Set(await findCartsOnSeveralChannels(db, cartIds))
  return new Set(orders.filter((order) => order.cart_id !== null && crossed.has(order.cart_id)).map((o) => o.id))
}
