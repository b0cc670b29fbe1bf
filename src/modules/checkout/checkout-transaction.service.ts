import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { lockLevelsForHandover } from '../inventory/inventory.service.js'
import { takeCart } from './checkout-cart.repository.js'
import { checkoutWriteOf, type OrderPlan, type PlacedOrder, placedOrThrow } from './checkout-plan.js'
import type { CheckoutRead } from './checkout-read.repository.js'
import { writeCheckout } from './checkout-statement.repository.js'

/** More work in the order's transaction, once it is written; answers the order as it then stands. */
export type AfterPlaced = (trx: Trx, order: SalesOrderRow) => Promise<SalesOrderRow>

/**
 * The checkout of a cart that needs more than the batched write: a cart that holds stock (cart
 * reservations are on), whose holds are released for the order to reserve in their place, or an
 * order paid with gift cards, debited in the order's transaction (`afterPlaced`). It runs in the
 * global lock order: the cart (still the version read, or nothing is done), every level it
 * holds, then the order is written by the same statement as any other checkout (writeCheckout
 * joins the transaction), with the same rules, and last the gift cards. A refusal anywhere undoes
 * it all. Null when the cart changed since it was read.
 */
export async function placeOrderInTransaction(
  db: Db,
  read: CheckoutRead,
  plan: OrderPlan,
  afterPlaced?: AfterPlaced,
): Promise<PlacedOrder | null> {
  const { cart } = read
  return inTransaction(db, async (trx) => {
    if (!(await takeCart(trx, cart.id, read.version))) return null
    if (read.holds.length > 0) {
      await lockLevelsForHandover(trx, [
        ...read.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
        ...read.lines.map((line) => ({ storeId: plan.stock.storeId, variantId: line.variant_id })),
      ])
      await releaseCartHolds(trx, cart.id)
    }
    const written = await writeCheckout(trx, checkoutWriteOf(read, plan))
    // The cart is locked at the version read: a change now would mean the lock did not hold.
    if (written.kind === 'CART_CHANGED') throw new Error(`cart ${cart.id} changed while this checkout held its lock`)
    const placed = placedOrThrow(written, plan, read)
    if (!placed?.order || !afterPlaced) return placed
    const order = await afterPlaced(trx, placed.order)
    return { ...placed, order: { ...placed.order, ...order } }
  })
}
