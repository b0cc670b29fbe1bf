import type { Db } from '../../db/create-db.js'
import type { CartHoldRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import * as cartHoldRepository from './cart-hold.repository.js'
import type { QuantityLine } from './inventory.js'
import * as inventoryRepository from './inventory.repository.js'

export function findHoldsOfCarts(db: Db, cartIds: readonly string[]): Promise<CartHoldRow[]> {
  return cartHoldRepository.findHoldsOfCarts(db, cartIds)
}

/**
 * Gives back every unit a cart holds, with its ledger rows. The caller has locked the cart; the
 * stock rows are locked in variant order.
 */
export async function releaseCartHolds(trx: Trx, cartId: string): Promise<number> {
  const holds = await cartHoldRepository.lockHoldsOfCart(trx, cartId)
  if (holds.length === 0) return 0
  for (const hold of holds) {
    await inventoryRepository.shiftLevel(trx, hold.store_id, hold.variant_id, { onHand: 0, reserved: -hold.quantity })
  }
  await inventoryRepository.insertMovements(
    trx,
    holds.map((hold) => holdMovement(hold, -hold.quantity, 'CART_HOLD_RELEASE')),
  )
  await cartHoldRepository.deleteHoldsOfCart(trx, cartId)
  return holds.length
}

/**
 * Holds each line in the store while it is available in full (a line that is not stays unheld
 * and shows as unavailable), until `expiresAt`. Counted in reserved, so other shoppers see it taken.
 * Answers the holds it took.
 */
export async function holdForCart(
  trx: Trx,
  input: { cartId: string; storeId: string; lines: QuantityLine[]; expiresAt: Date },
): Promise<CartHoldRow[]> {
  const holds: CartHoldRow[] = []
  for (const line of [...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId))) {
    const held = await inventoryRepository.moveIfFree(trx, 'RESERVE', { ...line, storeId: input.storeId })
    if (held) {
      holds.push({
        cart_id: input.cartId,
        variant_id: line.variantId,
        store_id: input.storeId,
        quantity: line.quantity,
        expires_at: input.expiresAt,
      })
    }
  }
  await cartHoldRepository.insertHolds(trx, holds)
  await inventoryRepository.insertMovements(
    trx,
    holds.map((hold) => holdMovement(hold, hold.quantity, 'CART_HOLD')),
  )
  return holds
}

export function lockCartsWithExpiredHolds(trx: Trx, now: Date, limit: number): Promise<string[]> {
  return cartHoldRepository.lockCartsWithExpiredHolds(trx, now, limit)
}

function holdMovement(hold: CartHoldRow, reservedDelta: number, reason: string) {
  return {
    store_id: hold.store_id,
    variant_id: hold.variant_id,
    on_hand_delta: 0,
    reserved_delta: reservedDelta,
    reason,
    order_id: null,
    actor_type: 'SYSTEM',
    actor_id: null,
    reference: `cart:${hold.cart_id}`,
    note: null,
  }
}
