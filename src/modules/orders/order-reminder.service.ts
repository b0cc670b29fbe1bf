import type { Trx } from '../../db/transaction.js'
import { queueOrderMessages } from '../notifications/order-messages.service.js'
import * as orderRepository from './order.repository.js'

/**
 * Queues the reminder of ready orders whose hold ends within `leadMs`, once each (`reminded_at`),
 * in the timer job's transaction: one statement stamps a batch of orders under their locks, so
 * that a hand-over or cancellation either comes first (no reminder) or waits for this one, and
 * their messages are queued together. An order held for less than the lead is never reminded: its
 * ready message already says until when.
 */
export async function remindOrdersBeforeHoldEnds(trx: Trx, now: Date, leadMs: number, limit: number): Promise<number> {
  const reminded = await orderRepository.markOrdersReminded(trx, now, leadMs, limit)
  await queueOrderMessages(
    trx,
    reminded.map((order) => ({ order, kind: 'ORDER_REMINDER' as const, now })),
  )
  return reminded.length
}
