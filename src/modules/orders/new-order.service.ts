import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { NewOrder, NewOrderLine } from './order.repository.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'
import type { OrderActor } from './order-transition.js'

export type { NewOrder } from './order.repository.js'

/**
 * Writes an order that starts its life outside the checkout (a sale at the till): the order, its
 * lines, its first history row and its event, in the caller's transaction. Its first status is
 * where it is born, not a transition, so the state table is not asked.
 */
export async function recordNewOrder(
  trx: Trx,
  order: NewOrder,
  lines: NewOrderLine[],
  origin: { actor: OrderActor; note: string; at: Date; eventType: string },
): Promise<void> {
  await orderRepository.insertOrder(trx, order)
  await orderRepository.insertLines(trx, lines)
  await orderRepository.insertStatusChange(trx, {
    orderId: order.id,
    status: order.status,
    actorType: origin.actor.type,
    actorId: origin.actor.id,
    note: origin.note,
    at: origin.at,
  })
  await recordOrderEvent(trx, {
    orderId: order.id,
    storeId: order.storeId,
    status: order.status,
    type: origin.eventType,
  })
}

/**
 * Gives a new order its number once the store's counter is taken (last, since the counter row
 * stays locked until commit), and answers the order as written.
 */
export async function numberNewOrder(
  trx: Trx,
  orderId: string,
  stamp: Pick<SalesOrderRow, 'number' | 'collected_at'>,
): Promise<SalesOrderRow> {
  await orderRepository.updateOrder(trx, orderId, stamp)
  const order = await orderRepository.lockOrder(trx, orderId)
  if (!order) throw new Error(`order ${orderId} vanished inside its own transaction`)
  return order
}
