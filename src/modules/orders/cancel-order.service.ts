import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { settleCancelledOrder } from '../payments/payment.service.js'
import type { OnlinePaymentProvider } from '../payments/payment-provider.js'
import { cancelOrder, changeOrder } from './order.service.js'
import type { OrderActor } from './order-transition.js'

export interface CancelRequest {
  orderId: string
  actor: OrderActor
  now: Date
  reason: string | null
}

/**
 * Cancels an order asked for by its shopper or the store: stock, slot, history and event in one
 * transaction; then, once that has committed and no lock is held, the card's authorisation is
 * voided (or its capture refunded). A settlement that fails is logged and left to reconciliation.
 */
export async function cancelOrderOnRequest(
  deps: { db: Db; online: OnlinePaymentProvider; logger: Logger },
  request: CancelRequest,
): Promise<void> {
  await changeOrder(deps.db, request.orderId, (trx, order) => cancelOrder(trx, order, request))
  await settleCancelledOrder(deps.db, deps.online, request.orderId, request.now, deps.logger)
}
