import type { Db } from '../../db/create-db.js'
import { executeAsOneStatement } from '../../db/sql-batch.js'
import { inTransaction } from '../../db/transaction.js'
import { lockedCartVersion } from '../carts/cart.service.js'
import { cartCheckedOutWrites } from '../carts/cart-checkout.service.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { lockLevelsForHandover } from '../inventory/inventory.service.js'
import * as orderRepository from '../orders/order.repository.js'
import { orderEventInsert } from '../orders/order-events.js'
import type { OrderPlan, PlacedOrder } from './checkout.service.js'
import { placedOrThrow } from './checkout.service.js'
import { claimStockSlotAndNumber } from './checkout-commit.repository.js'
import type { CheckoutRead } from './checkout-read.repository.js'

/**
 * The checkout of a cart that holds stock (cart reservations are on): its holds are released and
 * the order reserves in their place, which moves the same level rows twice, so this cannot be
 * the one statement of writeCheckout. It runs in a transaction instead: the cart is locked and
 * must still be the version read, every level it touches is locked in one global order, and the
 * shared rows are claimed last, in one statement. Null when the cart changed since it was read.
 */
export async function placeHeldOrder(db: Db, read: CheckoutRead, plan: OrderPlan): Promise<PlacedOrder | null> {
  const { cart } = read
  const storeId = plan.stock.storeId
  return inTransaction(db, async (trx) => {
    if ((await lockedCartVersion(trx, cart.id)) !== read.version) return null
    await executeAsOneStatement(trx, [
      orderRepository.orderInsert(trx, { ...plan.order, number: `~${plan.order.id}` }),
      orderRepository.linesInsert(trx, plan.lines),
      orderRepository.statusChangeInsert(trx, plan.history),
      orderEventInsert(trx, { orderId: plan.order.id, storeId, status: plan.order.status, type: 'placed' }),
      ...cartCheckedOutWrites(trx, cart, plan.order.id),
    ])
    await lockLevelsForHandover(trx, [
      ...read.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
      ...read.lines.map((line) => ({ storeId, variantId: line.variant_id })),
    ])
    await releaseCartHolds(trx, cart.id)
    const claim = await claimStockSlotAndNumber(trx, { orderId: plan.order.id, ...plan.stock })
    if (!claim.reserved) {
      return placedOrThrow({ kind: 'INSUFFICIENT_STOCK', available: claim.available }, plan, read.lines)
    }
    if (!claim.slotBooked || !claim.order) return placedOrThrow({ kind: 'SLOT_FULL' }, plan, read.lines)
    return placedOrThrow({ kind: 'PLACED', order: claim.order }, plan, read.lines)
  })
}
