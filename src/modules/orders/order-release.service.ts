import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { releaseGiftCardPayment } from '../payments/gift-card-payment.service.js'
import { releasePromotionUses } from '../promotions/promotion-usage.service.js'
import type { OrderActor } from './order-transition.js'

/**
 * What an order that ends without being collected (cancelled or expired) gives back beside its
 * stock and slot: its promotion uses, and what its gift cards paid. In the transaction that ends
 * it, after the stock levels, and promotions before gift cards: the order checkout takes them in,
 * so the two never wait on each other. Each step gives back only what is still out: twice
 * changes nothing.
 */
export async function releaseOrderCommitments(
  trx: Trx,
  order: Pick<SalesOrderRow, 'id'>,
  actor: OrderActor,
  now: Date,
): Promise<void> {
  await releasePromotionUses(trx, order.id, now)
  await releaseGiftCardPayment(trx, { orderId: order.id, actor })
}
