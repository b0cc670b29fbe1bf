import type { Db } from '../../db/create-db.js'
import { crossDeviceOrders as journeysCrossingDevices } from '../journeys/journey.service.js'

/**
 * The orders among these whose journey crossed devices, as their journeys say (started on one
 * device, changed or checked out on another): the rollups count them, in the claim's transaction.
 */
export function crossDeviceOrders(
  db: Db,
  orders: readonly { id: string; cart_id: string | null }[],
): Promise<Set<string>> {
  return journeysCrossingDevices(
    db,
    orders.map((order) => order.id),
  )
}
