import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { changeOrder, markArrived, markReady, startPreparing } from './order.service.js'
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
  return changeOrder(db, request.orderId, (trx, order) => markReady(trx, order, request))
}
