import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'

/**
 * Stamps the order paid and records its outbox event `order.paid` (public as is), once: the stamp is a conditional update, so a
 * second call (a webhook delivered again, a retried capture) changes nothing and records
 * nothing. Whether the order is paid is the payments' rule (`payments/paid-in-full.service.ts`),
 * its only caller, in the transaction that took the money.
 */
export async function markOrderPaid(trx: Trx, order: SalesOrderRow, now: Date): Promise<boolean> {
  if (!(await orderRepository.setPaidAtOnce(trx, order.id, now))) return false
  await recordOrderEvent(trx, { orderId: order.id, storeId: order.store_id, status: order.status, type: 'paid' })
  return true
}
