import type { CartHoldPolicy } from '../../config.js'
import type { CartHoldRow, CartLineRow, CartRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { holdForCart, releaseCartHolds } from '../inventory/cart-hold.service.js'

export interface CartHolding {
  policy: CartHoldPolicy | null
  now: Date
}

/**
 * Re-takes the cart's holds after a change: everything it held is released and its `lines`, as the
 * change left them, are held again, for a fresh period, in its pickup store. Without a policy or a
 * store it holds nothing.
 * Answers the cart's holds afterwards.
 */
export async function syncCartHolds(
  trx: Trx,
  cart: CartRow,
  lines: readonly Pick<CartLineRow, 'variant_id' | 'quantity'>[],
  holding: CartHolding | undefined,
): Promise<CartHoldRow[]> {
  await releaseCartHolds(trx, cart.id)
  const policy = holding?.policy
  if (!holding || !policy || !cart.pickup_store_id || cart.status !== 'ACTIVE') return []
  if (lines.length === 0) return []
  const minutes = cart.customer_id ? policy.customerMinutes : policy.guestMinutes
  return holdForCart(trx, {
    cartId: cart.id,
    storeId: cart.pickup_store_id,
    lines: lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    expiresAt: new Date(holding.now.getTime() + minutes * 60_000),
  })
}
