import type { CartRow, Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { CartNotActiveError, CartNotFoundError } from './cart.errors.js'
import * as cartRepository from './cart.repository.js'
import { type CartCredentials, grantCartAccess } from './cart-access.js'
import { type CartHolding, syncCartHolds } from './cart-hold-sync.js'

export interface CartChangeContext {
  cart: CartRow
  channel: Channel
}

/**
 * The frame of every change to a cart: lock it, check the caller may change it and that it is
 * still active, apply the change, then stamp it with the channel that made it, record the
 * journey event and the outbox event — all in the caller's transaction.
 */
export async function changeCart<T>(
  trx: Trx,
  request: {
    cartId: string
    credentials: CartCredentials
    channel: Channel | null
    eventType: string
    holding?: CartHolding
  },
  apply: (context: CartChangeContext) => Promise<{
    result: T
    payload?: Record<string, unknown>
    changes?: Parameters<typeof cartRepository.updateCart>[2]
  }>,
): Promise<T> {
  const cart = await cartRepository.lockCart(trx, request.cartId)
  const grant = cart ? await grantCartAccess(trx, cart, request.credentials) : null
  if (!cart || !grant) throw new CartNotFoundError()
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)
  const channel = request.channel ?? grant.channel ?? cart.last_channel
  const { result, payload = {}, changes = {} } = await apply({ cart, channel })
  await cartRepository.updateCart(trx, cart.id, { ...changes, last_channel: channel })
  if (request.holding?.policy) await syncCartHolds(trx, { ...cart, ...changes }, request.holding)
  await recordCartEvent(trx, {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: request.eventType,
    channel,
    payload,
  })
  return result
}

export async function recordCartEvent(
  trx: Trx,
  event: {
    cartId: string
    customerId: string | null
    type: string
    channel: Channel
    payload: Record<string, unknown>
  },
): Promise<void> {
  await cartRepository.insertCartEvent(trx, event)
  await recordEvent(trx, {
    type: `cart.${event.type}`,
    aggregateType: 'cart',
    aggregateId: event.cartId,
    payload: { cartId: event.cartId, channel: event.channel },
  })
}
