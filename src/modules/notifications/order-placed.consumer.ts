import type { Trx } from '../../db/transaction.js'
import type { OutboxConsumer, OutboxEventRow } from '../events/outbox-consumer.js'
import { findOrderRows } from '../orders/order.service.js'
import { queueOrderMessages } from './order-messages.service.js'

/**
 * Queues the confirmation of every order that becomes PLACED (paid at pickup: at checkout; paid
 * online: once its payment is authorised). The checkout writes its order and this event in one
 * statement shared by a batch of checkouts (checkout-rules.v2.sql.ts), so the event is the
 * durable intent written with the change, and the confirmation is queued from it in the claim's
 * transaction: exactly once per event, and at most once per order and channel whatever repeats;
 * in a few statements for the whole batch, since it runs on the outbox's path.
 */
export function orderPlacedMessagesConsumer(): OutboxConsumer {
  return {
    name: 'order-placed-messages',
    async consume(trx: Trx, events: readonly OutboxEventRow[]) {
      const placed = events.filter(isOrderPlaced)
      if (placed.length === 0) return
      const orders = new Map(
        (await findOrderRows(trx, [...new Set(placed.map((event) => event.aggregate_id))])).map((order) => [
          order.id,
          order,
        ]),
      )
      await queueOrderMessages(
        trx,
        placed.flatMap((event) => {
          const order = orders.get(event.aggregate_id)
          return order ? [{ order, kind: 'ORDER_PLACED' as const, now: new Date(event.created_at) }] : []
        }),
      )
    },
  }
}

function isOrderPlaced(event: OutboxEventRow): boolean {
  return event.type === 'order.placed' && event.payload.status === 'PLACED'
}
