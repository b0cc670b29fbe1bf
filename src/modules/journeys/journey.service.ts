import type { Db } from '../../db/create-db.js'
import { cartEventStep, crossesDevices, type JourneyStep, terminalDevice } from './journey.js'
import {
  findCartEventsOfOrders,
  findOrderMoments,
  findRecentOrderIdsOfCustomer,
  type OrderMomentsRow,
} from './journey.repository.js'

/**
 * Each order's journey: its cart's steps (and those of carts merged into it) as the devices made
 * them, then its arrival and hand-over in the store. An order placed without a cart (a till sale)
 * starts at its checkout. Two statements for any number of orders; `db` may be a transaction.
 */
export async function journeysOfOrders(db: Db, orderIds: readonly string[]): Promise<Map<string, JourneyStep[]>> {
  const [events, moments] = await Promise.all([findCartEventsOfOrders(db, orderIds), findOrderMoments(db, orderIds)])
  const journeys = new Map<string, JourneyStep[]>(orderIds.map((id) => [id, []]))
  for (const event of events) {
    const step = cartEventStep(event)
    if (step) journeys.get(event.order_id)?.push(step)
  }
  for (const moment of moments) journeys.get(moment.order_id)?.push(...orderSteps(moment))
  return journeys
}

function orderSteps(order: OrderMomentsRow): JourneyStep[] {
  const steps: JourneyStep[] = []
  if (!order.has_cart) {
    steps.push({
      event: 'CHECKED_OUT',
      channel: order.channel,
      device: deviceOfActor(order.placed_actor_type, order.placed_actor_id),
      at: new Date(order.placed_at),
    })
  }
  if (order.arrived_at) steps.push({ event: 'ARRIVED', channel: null, device: null, at: new Date(order.arrived_at) })
  if (order.collected_at) {
    const device = deviceOfActor(order.collected_actor_type, order.collected_actor_id)
    steps.push({ event: 'COLLECTED', channel: device ? 'POS' : null, device, at: new Date(order.collected_at) })
  }
  return steps
}

/** A terminal is a device; a staff member at the board is not one of the shopper's devices. */
function deviceOfActor(type: string | null, id: string | null): string | null {
  return type === 'TERMINAL' && id ? terminalDevice(id) : null
}

/**
 * The orders among these whose journey crossed devices (journey.ts crossesDevices): started on
 * one device and changed or checked out on another. For rollups: `db` may be the transaction
 * that claims their events.
 */
export async function crossDeviceOrders(db: Db, orderIds: readonly string[]): Promise<Set<string>> {
  const journeys = await journeysOfOrders(db, orderIds)
  return new Set([...journeys].filter(([, steps]) => crossesDevices(steps)).map(([orderId]) => orderId))
}

/** Whether one order's journey crossed devices; see crossDeviceOrders for many. */
export async function isCrossDeviceJourney(db: Db, orderId: string): Promise<boolean> {
  return (await crossDeviceOrders(db, [orderId])).has(orderId)
}

/** A customer's most recent orders with their journeys, newest first. */
export async function journeysOfCustomer(
  db: Db,
  customerId: string,
  limit: number,
): Promise<{ orderId: string; steps: JourneyStep[] }[]> {
  const orderIds = await findRecentOrderIdsOfCustomer(db, customerId, limit)
  const journeys = await journeysOfOrders(db, orderIds)
  return orderIds.map((orderId) => ({ orderId, steps: journeys.get(orderId) ?? [] }))
}
