import type { OrderStatus, SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { StockActor } from '../inventory/inventory.service.js'
import { InvalidTransitionError } from './order.errors.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'
import { canTransition, type OrderActorType } from './order-state.js'

export interface OrderActor {
  type: OrderActorType
  id: string | null
}

export function stockActorOf(actor: OrderActor): StockActor {
  if (actor.type === 'STAFF' || actor.type === 'TERMINAL') return { type: actor.type, id: actor.id }
  return { type: 'SYSTEM', id: null }
}

/** Refuses a move the state table does not give this actor, before anything has changed. */
export function assertTransition(order: SalesOrderRow, to: OrderStatus, actor: OrderActor): void {
  if (!canTransition(order.status, to, order.channel, actor.type)) throw new InvalidTransitionError(order.status, to)
}

/**
 * Moves a locked order to `to` if the transition table allows it to this actor, with its history row and
 * outbox event; `effects` runs first, in the same transaction (stock, slot, timestamps).
 */
export async function transitionOrder(
  trx: Trx,
  order: SalesOrderRow,
  to: OrderStatus,
  context: { actor: OrderActor; now: Date; note?: string | null },
  changes: Partial<SalesOrderRow> = {},
): Promise<void> {
  assertTransition(order, to, context.actor)
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
