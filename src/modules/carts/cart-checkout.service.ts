import type { CartRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import * as cartRepository from './cart.repository.js'
import { recordCartEvent } from './cart-change.js'

/** The cart is kept with its order (never cleaned up) and can no longer change. */
export async function markCartCheckedOut(trx: Trx, cart: CartRow, orderId: string): Promise<void> {
  await cartRepository.updateCart(trx, cart.id, { status: 'CHECKED_OUT' })
  await recordCartEvent(trx, {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: 'checked_out',
    channel: cart.last_channel,
    payload: { orderId },
  })
}
