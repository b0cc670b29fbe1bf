import type { Compilable } from 'kysely'
import type { CartRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { eventInsert } from '../events/event.service.js'
import * as cartRepository from './cart.repository.js'

/**
 * The writes that close a cart on checkout, not yet run, for the checkout to send with its own
 * in one statement: the cart is kept with its order (never cleaned up) and can no longer change;
 * its journey event and outbox event are the ones recordCartEvent writes.
 */
export function cartCheckedOutWrites(trx: Trx, cart: CartRow, orderId: string): Compilable[] {
  const event = {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: 'checked_out',
    channel: cart.last_channel,
    payload: { orderId },
  }
  return [
    cartRepository.cartUpdate(trx, cart.id, { status: 'CHECKED_OUT' }),
    cartRepository.cartEventInsert(trx, event),
    eventInsert(trx, {
      type: `cart.${event.type}`,
      aggregateType: 'cart',
      aggregateId: event.cartId,
      payload: { cartId: event.cartId, channel: event.channel },
    }),
  ]
}
