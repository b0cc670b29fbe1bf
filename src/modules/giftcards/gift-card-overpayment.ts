import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findPaymentsOfOrders, recordGiftCardRefund } from '../payments/payment.service.js'
import { creditGiftCardsOfOrder } from './gift-card-redemption.js'

/**
 * When an order's total shrinks below what its gift cards paid (units missing at picking), the
 * difference goes back to the cards, in the transaction that shrank it: the shopper is never
 * charged for what they do not get. A card payment for the rest needs nothing here, since it is
 * captured for what is then due (amountDueMinor).
 */
export async function refundGiftCardOverpayment(
  trx: Trx,
  order: Pick<SalesOrderRow, 'id' | 'total_minor'>,
  actor: { type: 'STAFF' | 'TERMINAL' | 'CUSTOMER' | 'SYSTEM'; id: string | null },
): Promise<number> {
  const paidMinor = (await findPaymentsOfOrders(trx, [order.id]))
    .filter((payment) => payment.provider === 'GIFT_CARD')
    .reduce((sum, payment) => sum + payment.captured_minor - payment.refunded_minor, 0)
  const excessMinor = paidMinor - order.total_minor
  if (excessMinor <= 0) return 0
  const creditedMinor = await creditGiftCardsOfOrder(trx, {
    orderId: order.id,
    amountMinor: excessMinor,
    kind: 'REFUND',
    actor,
  })
  await recordGiftCardRefund(trx, order.id, creditedMinor)
  return creditedMinor
}
