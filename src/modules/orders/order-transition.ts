import type { OrderStatus, SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { StockActor } from '../inventory/inventory.service.js'
import { InvalidTransitionError } from './order.errors.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'
import { canTransition } from './order-state.js'

export interface OrderActor {
  type: 'CUSTOMER' | 'STAFF' | 'TERMINAL' | 'SYSTEM'
  id: string | null
}

export function stockActorOf(actor: OrderActor): StockActor {
  if (actor.type === 'STAFF' || actor.type === 'TERMINAL') return { type: actor.type, id: actor.id }
  return { type: 'SYSTEM', id: null }
}

/**
 * Moves a locked order to `to` if the transition table allows it, with its history row and
 * outbox event; `effects` runs first, in the same transaction (stock, slot, timestamps).
 */
export async function transitionOrder(
  trx: Trx,
  order: SalesOrderRow,
  to: OrderStatus,
  context: { actor: OrderActor; now: Date; note?: string | null },
  changes: Partial<SalesOrderRow> = {},
): Promise<void> {
  if (!canTransition(order.status, to, order.channel)) throw new InvalidTransitionError(order.status, to)
  await orderRepository.updateOrder(trx, order.id, { ...changes, status: to })
  await orderRepository.insertStatusChange(trx, {
    orderId: order.id,
    status: to,
    actorType: context.actor.type,
    actorId: context.actor.id,
    note: context.note ?? null,
    at: context.now,
  })
  await recordOrderEvent(trx, { orderId: order.id, storeId: order.store_id, status: to, type: to.toLowerCase() })
}
