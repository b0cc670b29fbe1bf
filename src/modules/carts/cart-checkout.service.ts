import type { Compilable } from 'kysely'
import type { CartRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { eventInsert, eventRow } from '../events/event.service.js'
import * as cartRepository from './cart.repository.js'
import { cartOutboxEvent } from './cart-commit.js'

type CheckedOutCart = Pick<CartRow, 'id' | 'customer_id' | 'last_channel'>

/**
 * The writes that close a cart on checkout, not yet run, for the checkout to send with its own
 * in one statement: the cart is kept with its order (never cleaned up) and can no longer change;
 * its journey event and outbox event are the ones recordCartEvent writes.
 */
export function cartCheckedOutWrites(trx: Trx, cart: CheckedOutCart, orderId: string): Compilable[] {
  const { journey, outbox } = checkedOutEvents(cart, orderId)
  return [
    cartRepository.cartUpdate(trx, cart.id, { status: 'CHECKED_OUT' }),
    cartRepository.cartEventInsert(trx, journey),
    eventInsert(trx, outbox),
  ]
}

/** The same two events as the columns of their rows, for a checkout written as one statement. */
export function cartCheckedOutRows(cart: CheckedOutCart, orderId: string) {
  const { journey, outbox } = checkedOutEvents(cart, orderId)
  return { journey: cartRepository.cartEventRow(journey), outbox: eventRow(outbox) }
}

function checkedOutEvents(cart: CheckedOutCart, orderId: string) {
  const journey: cartRepository.NewCartEvent = {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: 'checked_out',
    channel: cart.last_channel,
    payload: { orderId },
  }
  return { journey, outbox: cartOutboxEvent(journey) }
}
