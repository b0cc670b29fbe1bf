import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { refundGiftCardOverpayment } from '../giftcards/gift-card-overpayment.js'
import { changeOrder, lockOrder, markArrived, markReady, startPreparing } from './order.service.js'
import type { OrderActor } from './order-transition.js'

/** The steps of an order through its store, each one transaction with its stock and its event. */

export function announceArrival(db: Db, request: { orderId: string; now: Date }): Promise<void> {
  return changeOrder(db, request.orderId, (trx, order) => markArrived(trx, order, request.now))
}

export function startPreparingOrder(db: Db, request: { orderId: string; actor: OrderActor; now: Date }): Promise<void> {
  return changeOrder(db, request.orderId, (trx, order) => startPreparing(trx, order, request))
}

export function markOrderReady(
  db: Db,
  request: {
    orderId: string
    actor: OrderActor
    now: Date
    missing: { sku: string; quantity: number }[]
    logger: Logger
  },
): Promise<void> {
  return changeOrder(db, request.orderId, async (trx, order) => {
    await markReady(trx, order, request)
    // Units missing at picking shrink the total: gift cards get back what they paid over it.
    const shrunk = await lockOrder(trx, order.id)
    if (shrunk) await refundGiftCardOverpayment(trx, shrunk, giftCardActorOf(request.actor))
  })
}

function giftCardActorOf(actor: OrderActor) {
  return actor.type === 'STAFF' || actor.type === 'TERMINAL' || actor.type === 'CUSTOMER'
    ? { type: actor.type, id: actor.id }
    : { type: 'SYSTEM' as const, id: null }
}
