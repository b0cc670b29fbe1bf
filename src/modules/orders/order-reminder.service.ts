import type { Trx } from '../../db/transaction.js'
import { queueOrderMessage } from '../notifications/order-messages.service.js'
import * as orderRepository from './order.repository.js'
import { lockOrder } from './order.service.js'

/**
 * Queues the reminder of ready orders whose hold ends within `leadMs`, once each (`reminded_at`),
 * in the timer job's transaction, under each order's lock so that a hand-over or cancellation
 * either comes first (no reminder) or waits for this one. An order held for less than the lead
 * is never reminded: its ready message already says until when.
 */
export async function remindOrdersBeforeHoldEnds(trx: Trx, now: Date, leadMs: number, limit: number): Promise<number> {
  let reminded = 0
  for (const { id } of await orderRepository.findOrdersToRemind(trx, now, leadMs, limit)) {
    const order = await lockOrder(trx, id)
    if (order?.status !== 'READY_FOR_PICKUP' || order.reminded_at !== null) continue
    if (!order.hold_until || new Date(order.hold_until) <= now) continue
    await orderRepository.updateOrder(trx, order.id, { reminded_at: now })
    await queueOrderMessage(trx, order, 'ORDER_REMINDER', now)
    reminded++
  }
  return reminded
}
