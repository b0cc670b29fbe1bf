import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { amountDueMinor } from '../payments/amount-due.js'
import { takeCardPresentPayment } from '../payments/card-present.service.js'
import { PaymentPendingError, PaymentRequiredError } from '../payments/payment.errors.js'
import { captureForCollection, findPaymentsOfOrders, takeCashPayment } from '../payments/payment.service.js'
import type { AppPayments } from '../payments/payment-setup.js'
import { claimHandOver, endHandOverClaim, releaseHandOver } from './handover-claim.service.js'
import { InvalidTransitionError } from './order.errors.js'
import { checkPickupProof, handOverOrder, lockOrder, type PickupProof } from './order.service.js'
import { canHandOver } from './order-state.js'
import type { OrderActor } from './order-transition.js'

/** How the customer pays at the counter, for an order paid at pickup. */
export interface CounterPayment {
  method: 'CASH' | 'CARD_PRESENT'
  tenderedMinor: number | null
  readerId: string | null
}

export interface CollectRequest {
  /** The order as its reader was allowed to see it; it is locked again before anything changes. */
  order: SalesOrderRow
  proof: PickupProof
  payment: CounterPayment | null
  actor: OrderActor
  now: Date
}

export interface CollectDependencies {
  db: Db
  payments: AppPayments
  pickupSecrets: PickupSecrets
}

/**
 * Hands an order over at the counter: checks the shopper's proof, claims the hand-over, takes the
 * money, hands over. The claim comes before the money: a second collect, a cancellation or the
 * expiry timer cannot act on the order while its card is being captured, and no row lock is held
 * across the processor call. If the money cannot be taken (refused, processor unreachable, card
 * still on the reader) the claim is deleted and nothing else has changed: the authorisation is
 * still there, and a retry captures with the same idempotency key. A request that dies holding the
 * claim leaves it to go stale (HANDOVER_CLAIM_TTL_MS), after which a retry takes it over.
 */
export async function collectOrder(deps: CollectDependencies, request: CollectRequest): Promise<void> {
  const { db } = deps
  const { order, now } = request
  await checkPickupProof(db, order, request.proof, deps.pickupSecrets)
  // No money is taken for an order that cannot be handed over yet.
  if (!canHandOver(order, request.actor.type)) throw new InvalidTransitionError(order.status, 'COLLECTED')
  const claimId = await claimHandOver(db, { orderId: order.id, actor: request.actor, now })
  try {
    const cardTaken = await takeMoneyOutsideLocks(deps, request)
    if (cardTaken === 'WAITING_FOR_CARD') throw new PaymentPendingError()
    await inTransaction(db, async (trx) => {
      const locked = await lockOrder(trx, order.id)
      if (!locked) throw new Error(`order ${order.id} vanished during its hand-over`)
      await endHandOverClaim(trx, order.id, claimId)
      if (locked.payment_mode === 'AT_PICKUP' && cardTaken !== 'CAPTURED') {
        const dueMinor = amountDueMinor(locked, await findPaymentsOfOrders(trx, [locked.id]))
        if (dueMinor > 0 && request.payment?.tenderedMinor == null) throw new PaymentRequiredError()
        await takeCashPayment(trx, locked, request.payment?.tenderedMinor ?? 0, now, dueMinor)
      }
      await handOverOrder(trx, locked, { actor: request.actor, now })
    })
  } catch (error) {
    // The hand-over transaction rolled back (or never ran): the claim is all there is to undo.
    await releaseHandOver(db, order.id, claimId)
    throw error
  }
}

/** The processor calls of a hand-over: an online order's capture, or a card on the store's reader. */
async function takeMoneyOutsideLocks(
  deps: CollectDependencies,
  { order, payment, now }: CollectRequest,
): Promise<'CAPTURED' | 'WAITING_FOR_CARD' | null> {
  if (order.payment_mode === 'ONLINE') {
    await captureForCollection(deps.db, deps.payments.online, order, now)
    return 'CAPTURED'
  }
  if (order.payment_mode === 'AT_PICKUP' && payment?.method === 'CARD_PRESENT') {
    return takeCardPresentPayment(deps.db, deps.payments, order, payment.readerId ?? '', now)
  }
  return null
}
