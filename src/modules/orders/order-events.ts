import type { OrderStatus } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { eventRow, recordEvent } from '../events/event.service.js'

/** The event of an order becoming ready for pickup (transitions are typed by their new status). */
export const ORDER_READY_EVENT = `order.${'READY_FOR_PICKUP'.toLowerCase()}`

/**
 * The events of changes that queue a message to the shopper (transitions are typed by their new
 * status): placed (queued from the outbox), ready, cancelled, expired (queued with the change).
 */
export const ORDER_MESSAGE_EVENTS: ReadonlySet<string> = new Set(
  (['PLACED', 'READY_FOR_PICKUP', 'CANCELLED', 'EXPIRED'] as const).map((status) => `order.${status.toLowerCase()}`),
)

/** Every change of an order, for its shopper's screen and for the store's board (ids only). */
export function recordOrderEvent(trx: Trx, event: OrderEvent): Promise<string> {
  return recordEvent(trx, outboxEventOf(event))
}

/** recordOrderEvent as the columns of its outbox row. */
export function orderEventRow(event: OrderEvent) {
  return eventRow(outboxEventOf(event))
}

interface OrderEvent {
  orderId: string
  storeId: string
  status: OrderStatus
  type: string
  /** What else a consumer of this kind of event needs (a return's id and amount). */
  details?: Record<string, string | number>
}

function outboxEventOf(event: OrderEvent) {
  return {
    type: `order.${event.type}`,
    aggregateType: 'order',
    aggregateId: event.orderId,
    payload: { ...event.details, orderId: event.orderId, storeId: event.storeId, status: event.status },
  }
}
