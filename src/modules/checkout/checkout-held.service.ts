import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { lockLevelsForHandover } from '../inventory/inventory.service.js'
import { takeCart } from './checkout-cart.repository.js'
import { checkoutWriteOf, type OrderPlan, type PlacedOrder, placedOrThrow } from './checkout-plan.js'
import type { CheckoutRead } from './checkout-read.repository.js'
import { writeCheckout } from './checkout-statement.repository.js'

/**
 * The checkout of a cart that holds stock (cart reservations are on): its holds are released and
 * the order reserves in their place. That moves the same level rows twice, so it runs in a
 * transaction, in the global lock order: the cart (still the version read, or nothing is done),
 * every level it touches, then the order is written by the same statement as any other checkout
 * (writeCheckout joins the transaction), with the same rules. A refusal undoes the release.
 * Null when the cart changed since it was read.
 */
export async function placeHeldOrder(db: Db, read: CheckoutRead, plan: OrderPlan): Promise<PlacedOrder | null> {
  const { cart } = read
  return inTransaction(db, async (trx) => {
    if (!(await takeCart(trx, cart.id, read.version))) return null
    await lockLevelsForHandover(trx, [
      ...read.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
      ...read.lines.map((line) => ({ storeId: plan.stock.storeId, variantId: line.variant_id })),
    ])
    await releaseCartHolds(trx, cart.id)
    const written = await writeCheckout(trx, checkoutWriteOf(read, plan))
    // The cart is locked at the version read: a change now would mean the lock did not hold.
    if (written.kind === 'CART_CHANGED') throw new Error(`cart ${cart.id} changed while this checkout held its lock`)
    return placedOrThrow(written, plan, read.lines)
  })
}
