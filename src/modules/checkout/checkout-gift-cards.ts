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
    const paysInFull = paidMinor >= order.total_minor && order.status === 'PENDING_PAYMENT'
    // Placed before the payment is recorded, so that the order's placed event comes before its paid one.
    if (paysInFull) await confirmPayment(trx, order, request.now)
    await recordGiftCardPayment(trx, order, paidMinor, request.now)
    return paysInFull ? { ...order, status: 'PLACED', payment_due_at: null } : order
  }
}
