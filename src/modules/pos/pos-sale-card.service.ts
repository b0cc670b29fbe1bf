import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { type IssuedGiftCard, issueGiftCardsOfSale } from '../giftcards/gift-card-sale.service.js'
import { settleOrderStock } from '../inventory/inventory.service.js'
import { cancelOrder, findOrderLines, lockOrder } from '../orders/order.service.js'
import { canTransition } from '../orders/order-state.js'
import { type OrderActor, stockActorOf, transitionOrder } from '../orders/order-transition.js'
import { takeCardPresentPayment } from '../payments/card-present.service.js'
import { PaymentFailedError, PaymentUnavailableError } from '../payments/payment.errors.js'
import { settleCancelledOrder } from '../payments/payment.service.js'
import type { AppPayments } from '../payments/payment-setup.js'
import { SaleAbandonedError } from './pos-sale.errors.js'

export interface CardSaleDeps {
  db: Db
  payments: AppPayments
  logger: Logger
  actor: OrderActor
  now: Date
}

export interface CardSaleStep {
  orderId: string
  cardOnReader: boolean
  /** The cards the sale sold, issued in the call that found the card accepted. */
  giftCards: IssuedGiftCard[]
}

/**
 * Takes the card for a pending till sale (what its gift cards left to pay: amountDueMinor) and
 * hands the goods over once it is captured. The first call puts the amount on the reader and
 * reports it waiting; the till calls again once the card is accepted. A declined card or an
 * unreachable processor abandons the sale: its units, promotion uses and gift-card payments go back.
 */
export async function finishCardSale(deps: CardSaleDeps, sale: SalesOrderRow, readerId: string): Promise<CardSaleStep> {
  let outcome: Awaited<ReturnType<typeof takeCardPresentPayment>>
  try {
    outcome = await takeCardPresentPayment(deps.db, deps.payments, sale, readerId, deps.now)
  } catch (error) {
    if (error instanceof PaymentFailedError || error instanceof PaymentUnavailableError) {
      await abandonSale(deps, sale.id, 'card payment failed')
    }
    throw error
  }
  if (outcome === 'WAITING_FOR_CARD') return { orderId: sale.id, cardOnReader: true, giftCards: [] }
  const handedOver = await inTransaction(deps.db, async (trx) => {
    const locked = await lockOrder(trx, sale.id)
    if (!locked) return null
    if (!canTransition(locked.status, 'COLLECTED', locked.channel, deps.actor.type)) {
      // A retry of a sale already handed over; a cancelled one gave back what it took as it was
      // cancelled (releaseOrder).
      return locked.status === 'COLLECTED' ? [] : null
    }
    return completeCardSale(trx, locked, { ...deps, note: 'card accepted' })
  })
  // Abandoned by the payment timer while the card went through: the money goes back.
  if (!handedOver) {
    await settleCancelledOrder(deps.db, deps.payments.online, sale.id, deps.now, deps.logger)
    throw new SaleAbandonedError()
  }
  return { orderId: sale.id, cardOnReader: false, giftCards: handedOver }
}

async function abandonSale(deps: CardSaleDeps, saleId: string, reason: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const locked = await lockOrder(trx, saleId)
    if (locked && canTransition(locked.status, 'CANCELLED', locked.channel, deps.actor.type)) {
      // Its units, promotion uses and gift-card payments go back with it (releaseOrder).
      await cancelOrder(trx, locked, { actor: deps.actor, now: deps.now, reason })
    }
  })
  await settleCancelledOrder(deps.db, deps.payments.online, saleId, deps.now, deps.logger)
}

/**
 * The card went through (or gift cards paid it all): the reserved units leave the shelf
 * (POS_SALE), the gift cards it sells are issued, and the goods are handed over.
 */
export async function completeCardSale(
  trx: Trx,
  sale: SalesOrderRow,
  context: { actor: OrderActor; now: Date; note: string },
): Promise<IssuedGiftCard[]> {
  const lines = await findOrderLines(trx, sale.id)
  await settleOrderStock(trx, {
    storeId: sale.store_id,
    orderId: sale.id,
    actor: stockActorOf(context.actor),
    reason: 'POS_SALE',
    lines: lines.map((line, index) => ({ variantId: line.variant_id, quantity: line.quantity, sku: line.sku, index })),
  })
  const giftCards = await issueGiftCardsOfSale(trx, sale, stockActorOf(context.actor), context.now)
  await transitionOrder(trx, sale, 'COLLECTED', context, { collected_at: context.now })
  return giftCards
}
