import type { OrderStatus } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'

/** Every change of an order, for its shopper's screen and for the store's board (ids only). */
export function recordOrderEvent(
  trx: Trx,
  event: { orderId: string; storeId: string; status: OrderStatus; type: string },
): Promise<string> {
  return recordEvent(trx, {
    type: `order.${event.type}`,
    aggregateType: 'order',
    aggregateId: event.orderId,
    payload: { orderId: event.orderId, storeId: event.storeId, status: event.status },
  })
}
