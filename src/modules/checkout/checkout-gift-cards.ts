import type { SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { redeemGiftCards } from '../giftcards/gift-card-redemption.js'
import { confirmPayment } from '../orders/order.service.js'
import { recordGiftCardPayment } from '../payments/payment.service.js'
import type { AfterPlaced } from './checkout-transaction.service.js'

/**
 * Pays what it can of the order just written from the shopper's gift cards, in the order's
 * transaction: a card that cannot pay refuses the whole checkout. An online order the cards pay
 * in full needs no card and goes straight to the store; otherwise the card (online) or the
 * counter (at pickup) is asked only for the rest (amountDueMinor).
 */
export function payWithGiftCards(request: { codes: readonly string[]; now: Date }): AfterPlaced {
  return async (trx: Trx, order: SalesOrderRow) => {
    const redeemed = await redeemGiftCards(trx, {
      codes: request.codes,
      orderId: order.id,
      currencyCode: order.currency_code,
      dueMinor: order.total_minor,
      actor: { type: 'CUSTOMER', id: order.customer_id },
      now: request.now,
    })
    const paidMinor = redeemed.reduce((sum, card) => sum + card.amountMinor, 0)
    await recordGiftCardPayment(trx, order, paidMinor, request.now)
    if (paidMinor < order.total_minor || order.status !== 'PENDING_PAYMENT') return order
    await confirmPayment(trx, order, request.now)
    return { ...order, status: 'PLACED', payment_due_at: null }
  }
}
