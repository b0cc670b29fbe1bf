import type { Trx } from '../../db/transaction.js'
import { lockOrder } from '../orders/order.service.js'
import { markOrderPaid } from '../orders/order-paid.service.js'
import { isPaidInFull } from './amount-due.js'
import * as paymentRepository from './payment.repository.js'

/** An order that ended uncollected is not announced as paid: what was taken goes back. */
const ENDED_UNCOLLECTED = new Set(['CANCELLED', 'EXPIRED'])

/**
 * The one rule of `order.paid`: called by every path that captures money for an order (a card
 * captured online or on a store's reader, whether our call or Stripe's webhook tells it first;
 * cash at the counter; gift cards), in the transaction that records the capture, after it.
 * When the order's payments now cover its total (isPaidInFull) it is stamped paid, once
 * (markOrderPaid); any later call is a no-op. Locks the order (every caller already holds it,
 * or takes it first: order before payment rows, as everywhere).
 */
export async function recordPaidInFull(trx: Trx, orderId: string, now: Date): Promise<boolean> {
  const order = await lockOrder(trx, orderId)
  if (!order || order.paid_at !== null || ENDED_UNCOLLECTED.has(order.status)) return false
  if (!isPaidInFull(order, await paymentRepository.findPaymentsOfOrders(trx, [orderId]))) return false
  return markOrderPaid(trx, order, now)
}
