import type { CartHoldPolicy } from '../../config.js'
import type { CartRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { holdForCart, releaseCartHolds } from '../inventory/cart-hold.service.js'
import * as cartRepository from './cart.repository.js'

export interface CartHolding {
  policy: CartHoldPolicy | null
  now: Date
}

/**
 * Re-takes the cart's holds after a change: everything it held is released and its lines are
 * held again, for a fresh period, in its pickup store. Without a policy or a store it holds nothing.
 */
export async function syncCartHolds(trx: Trx, cart: CartRow, holding: CartHolding | undefined): Promise<void> {
  await releaseCartHolds(trx, cart.id)
  const policy = holding?.policy
  if (!holding || !policy || !cart.pickup_store_id || cart.status !== 'ACTIVE') return
  const lines = await cartRepository.findLinesOfCarts(trx, [cart.id])
  if (lines.length === 0) return
  const minutes = cart.customer_id ? policy.customerMinutes : policy.guestMinutes
  await holdForCart(trx, {
    cartId: cart.id,
    storeId: cart.pickup_store_id,
    lines: lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    expiresAt: new Date(holding.now.getTime() + minutes * 60_000),
  })
}
