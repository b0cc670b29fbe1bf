import type { CartRow } from '../../db/database.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import { eventRow } from '../events/event.service.js'
import * as cartRepository from './cart.repository.js'
import { cartOutboxEvent } from './cart-commit.js'

type CheckedOutCart = Pick<CartRow, 'id' | 'customer_id' | 'last_channel'>
type CheckoutOrigin = Omit<WriteOrigin, 'channel'>

/**
 * The events of a cart closed by its checkout (its journey event and its outbox event), as the
 * columns of their rows, for the checkout to write in its own statement.
 */
export function cartCheckedOutRows(cart: CheckedOutCart, orderId: string, origin: CheckoutOrigin) {
  const { journey, outbox } = checkedOutEvents(cart, orderId, origin)
  return { journey: cartRepository.cartEventRow(journey), outbox: eventRow(outbox) }
}

function checkedOutEvents(cart: CheckedOutCart, orderId: string, origin: CheckoutOrigin) {
  const journey: cartRepository.NewCartEvent = {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: 'checked_out',
    channel: cart.last_channel,
    payload: { orderId },
    device: origin.device,
    storefrontId: origin.storefrontId,
  }
  return { journey, outbox: cartOutboxEvent(journey) }
}
