import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { cancelOrder, lockOrder } from '../orders/order.service.js'
import { canTransition } from '../orders/order-state.js'
import type { OrderActor } from '../orders/order-transition.js'
import { takeCardPresentPayment } from '../payments/card-present.service.js'
import { PaymentFailedError, PaymentUnavailableError } from '../payments/payment.errors.js'
import { settleCancelledOrder } from '../payments/payment.service.js'
import type { AppPayments } from '../payments/payment-setup.js'
import { SaleAbandonedError } from './pos-sale.errors.js'
import { completeCardSale } from './pos-sale.service.js'

export interface CardSaleDeps {
  db: Db
  payments: AppPayments
  logger: Logger
  actor: OrderActor
  now: Date
}

/**
 * Takes the card for a pending till sale and hands the goods over once it is captured. The first
 * call puts the amount on the reader and reports it waiting; the till calls again once the card is
 * accepted. A declined card or an unreachable processor abandons the sale, so its units go back.
 */
export async function finishCardSale(
  deps: CardSaleDeps,
  sale: SalesOrderRow,
  readerId: string,
): Promise<{ orderId: string; cardOnReader: boolean }> {
  let outcome: Awaited<ReturnType<typeof takeCardPresentPayment>>
  try {
    outcome = await takeCardPresentPayment(deps.db, deps.payments, sale, readerId, deps.now)
  } catch (error) {
    if (error instanceof PaymentFailedError || error instanceof PaymentUnavailableError) {
      await abandonSale(deps, sale.id, 'card payment failed')
    }
    throw error
  }
  if (outcome === 'WAITING_FOR_CARD') return { orderId: sale.id, cardOnReader: true }
  const handedOver = await inTransaction(deps.db, async (trx) => {
    const locked = await lockOrder(trx, sale.id)
    if (!locked) return false
    if (!canTransition(locked.status, 'COLLECTED', locked.channel, deps.actor.type)) {
      return locked.status === 'COLLECTED' // a retry of a sale already handed over
    }
    await completeCardSale(trx, locked, deps)
    return true
  })
  // Abandoned by the payment timer while the card went through: the money goes back.
  if (!handedOver) {
    await settleCancelledOrder(deps.db, deps.payments.online, sale.id, deps.now, deps.logger)
    throw new SaleAbandonedError()
  }
  return { orderId: sale.id, cardOnReader: false }
}

async function abandonSale(deps: CardSaleDeps, saleId: string, reason: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const locked = await lockOrder(trx, saleId)
    if (locked && canTransition(locked.status, 'CANCELLED', locked.channel, deps.actor.type)) {
      await cancelOrder(trx, locked, { actor: deps.actor, now: deps.now, reason })
    }
  })
  await settleCancelledOrder(deps.db, deps.payments.online, saleId, deps.now, deps.logger)
}
