import type { OutboxConsumer, OutboxEventRow } from '../events/outbox-consumer.js'
import { projectIntoRollups } from './insight-projection.service.js'

/** Events that change no figure: an arrival alone counts when its order is collected. */
const IGNORED_ORDER_EVENTS = new Set(['order.arrived'])

/** A cart's start, and the events that may first tell its store (then counted there). */
const CART_EVENTS = new Set(['cart.created', 'cart.pickup_store_set', 'cart.checked_out'])

/**
 * Keeps the insights' rollups up to date from the outbox: carts started from `cart.created` (and
 * moved to their store when `cart.pickup_store_set` or `cart.checked_out` first tells it),
 * orders from any of their events (what is counted follows the order's state, read in the
 * claim's transaction). Batches with neither cost no statement.
 */
export const insightRollupConsumer: OutboxConsumer = {
  name: 'insight rollups',
  async consume(trx, events) {
    const subjects = subjectsOf(events)
    if (subjects.cartIds.length === 0 && subjects.orderIds.length === 0) return
    await projectIntoRollups(trx, subjects)
  },
}

export function subjectsOf(events: readonly OutboxEventRow[]) {
  const cartIds: string[] = []
  const orderIds: string[] = []
  for (const event of events) {
    if (CART_EVENTS.has(event.type)) cartIds.push(event.aggregate_id)
    else if (event.aggregate_type === 'order' && !IGNORED_ORDER_EVENTS.has(event.type))
      orderIds.push(event.aggregate_id)
  }
  return { cartIds, orderIds }
}
