import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { recordStripeEventOnce } from '../payments/payment.service.js'
import * as giftCardRepository from './gift-card.repository.js'
import * as purchaseRepository from './gift-card-purchase.repository.js'

export type GiftCardRefundOutcome =
  | { kind: 'PROCESSED'; uncoveredMinor: number }
  | { kind: 'DUPLICATE' | 'UNKNOWN_PURCHASE' | 'NOT_ISSUED_YET' }

/**
 * A refund made at Stripe of an e-gift card bought online takes its amount off the card, so the
 * money is not both back with the buyer and still spendable. Stripe's charge.refunded carries the
 * running total refunded, so each event takes off only what is new since the last, once (the
 * event id is recorded). What the recipient has already spent cannot be taken back: it is kept on
 * the purchase as uncovered, in the event, and returned for the caller to log. A refund that
 * arrives before the payment's success is not recorded, so Stripe's retry finds the card issued.
 */
export function handleGiftCardPurchaseRefund(
  db: Db,
  event: { id: string; type: string; providerRef: string; amountRefundedMinor: number },
): Promise<GiftCardRefundOutcome> {
  return inTransaction(db, async (trx): Promise<GiftCardRefundOutcome> => {
    const purchase = await purchaseRepository.lockPurchase(trx, null, event.providerRef)
    if (!purchase) return { kind: 'UNKNOWN_PURCHASE' }
    if (purchase.status === 'PENDING_PAYMENT') return { kind: 'NOT_ISSUED_YET' }
    if (!(await recordStripeEventOnce(trx, event.id, event.type))) return { kind: 'DUPLICATE' }
    const refundedMinor = Math.min(event.amountRefundedMinor, purchase.amount_minor) - purchase.refunded_minor
    if (purchase.status !== 'ISSUED' || !purchase.gift_card_id || refundedMinor <= 0) {
      return { kind: 'PROCESSED', uncoveredMinor: 0 }
    }
    const [card] = await giftCardRepository.lockGiftCards(trx, [purchase.gift_card_id])
    if (!card) throw new Error(`gift card ${purchase.gift_card_id} of purchase ${purchase.id} is missing`)
    const takenMinor = Math.min(refundedMinor, card.balance_minor)
    const uncoveredMinor = refundedMinor - takenMinor
    if (takenMinor > 0) {
      const after = await giftCardRepository.adjustGiftCardBalance(trx, card.id, -takenMinor)
      if (!after) throw new Error(`gift card ${card.id} refused ${-takenMinor} under its lock`)
      await giftCardRepository.insertMovement(trx, {
        giftCardId: card.id,
        kind: 'ADJUST',
        amountMinor: -takenMinor,
        orderId: null,
        actor: { type: 'SYSTEM', id: null },
        note: `refunded at Stripe (${event.id})`,
      })
    }
    await purchaseRepository.addRefund(trx, purchase.id, { refundedMinor, uncoveredMinor })
    await recordEvent(trx, {
      type: 'gift_card_purchase.refunded',
      aggregateType: 'gift_card_purchase',
      aggregateId: purchase.id,
      payload: { purchaseId: purchase.id, giftCardId: card.id, refundedMinor, takenMinor, uncoveredMinor },
    })
    return { kind: 'PROCESSED', uncoveredMinor }
  })
}
