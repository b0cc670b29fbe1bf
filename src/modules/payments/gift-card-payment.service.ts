import type { GiftCardActorType, PaymentRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { creditGiftCardsOfOrder } from '../giftcards/gift-card-redemption.js'
import * as paymentRepository from './payment.repository.js'

type GiftCardActor = { type: GiftCardActorType; id: string | null }

const giftCardPaymentOf = (payments: PaymentRow[]) =>
  payments.find((p) => p.provider === 'GIFT_CARD' && p.status === 'CAPTURED')

/**
 * A return's share for the gift cards that paid for an order: up to `amountMinor` goes back to
 * them (never more than they paid and have not had back), and the order's gift-card payment
 * records it. Returns what the cards got back; the rest is the other payment's to refund. Runs
 * in the return's transaction, which holds the order's lock.
 */
export function refundToGiftCards(
  trx: Trx,
  request: { orderId: string; amountMinor: number; actor: GiftCardActor },
): Promise<number> {
  return giveBack(trx, { ...request, kind: 'REFUND' })
}

/**
 * Everything the gift cards paid for an order and have not had back goes back to them, when the
 * order ends without being collected. In the transaction that ends it, under the order's lock;
 * a second call finds nothing left and changes nothing.
 */
export async function releaseGiftCardPayment(
  trx: Trx,
  request: { orderId: string; actor: GiftCardActor },
): Promise<number> {
  const payment = giftCardPaymentOf(await paymentRepository.findPaymentsOfOrders(trx, [request.orderId]))
  if (!payment) return 0
  return giveBack(trx, { ...request, amountMinor: payment.captured_minor - payment.refunded_minor, kind: 'RELEASE' })
}

/**
 * Gift cards never pay more than an order's total: when units missing at picking bring it below
 * what they paid and still hold, the difference goes back to them (RELEASE), in the transaction
 * that marks the order ready, after its stock levels.
 */
export async function releaseGiftCardsAboveTotal(
  trx: Trx,
  request: { orderId: string; totalMinor: number; actor: GiftCardActor },
): Promise<number> {
  const payment = giftCardPaymentOf(await paymentRepository.findPaymentsOfOrders(trx, [request.orderId]))
  if (!payment) return 0
  const surplusMinor = payment.captured_minor - payment.refunded_minor - request.totalMinor
  if (surplusMinor <= 0) return 0
  return giveBack(trx, { orderId: request.orderId, amountMinor: surplusMinor, kind: 'RELEASE', actor: request.actor })
}

async function giveBack(
  trx: Trx,
  request: { orderId: string; amountMinor: number; kind: 'REFUND' | 'RELEASE'; actor: GiftCardActor },
): Promise<number> {
  if (request.amountMinor === 0) return 0
  const creditedMinor = await creditGiftCardsOfOrder(trx, request)
  if (creditedMinor === 0) return 0
  const payment = giftCardPaymentOf(await paymentRepository.findPaymentsOfOrders(trx, [request.orderId]))
  if (!payment || payment.captured_minor - payment.refunded_minor < creditedMinor) {
    throw new Error(`order ${request.orderId} has no gift-card payment of ${creditedMinor} left to give back`)
  }
  const refundedMinor = payment.refunded_minor + creditedMinor
  await paymentRepository.updatePayment(trx, payment.id, {
    refunded_minor: refundedMinor,
    ...(refundedMinor === payment.captured_minor ? { status: 'REFUNDED' as const } : {}),
  })
  return creditedMinor
}
