import type { Db } from '../../db/create-db.js'
import type { CartRow, StoreRow } from '../../db/database.js'
import { executeAsOneStatement } from '../../db/sql-batch.js'
import { inTransaction } from '../../db/transaction.js'
import type { CartView } from '../carts/cart.js'
import { lockedCartVersion } from '../carts/cart.service.js'
import { cartCheckedOutWrites } from '../carts/cart-checkout.service.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { lockLevelsForHandover } from '../inventory/inventory.service.js'
import type { PickupSlot } from '../pickup/pickup-slots.js'
import type { OrderPlan, PlacedOrder, PlaceOrderInput } from './checkout.service.js'
import { placedOrThrow } from './checkout.service.js'
import { claimStockSlotAndNumber } from './checkout-commit.repository.js'
import * as orderRepository from './order.repository.js'
import { orderEventInsert } from './order-events.js'

/**
 * The checkout of a cart that holds stock (cart reservations are on): its holds are released and
 * the order reserves in their place, which moves the same level rows twice, so this cannot be
 * the one statement of writeCheckout. It runs in a transaction instead: the cart is locked and
 * must still be the version read, every level it touches is locked in one global order, and the
 * shared rows are claimed last, in one statement. Null when the cart changed since it was read.
 */
export async function placeHeldOrder(
  db: Db,
  checkout: {
    cart: CartRow
    version: string
    view: CartView
    store: StoreRow
    slot: PickupSlot
    plan: OrderPlan
    input: PlaceOrderInput
  },
): Promise<PlacedOrder | null> {
  const { cart, view, store, plan } = checkout
  return inTransaction(db, async (trx) => {
    if ((await lockedCartVersion(trx, cart.id)) !== checkout.version) return null
    await executeAsOneStatement(trx, [
      orderRepository.orderInsert(trx, { ...plan.order, number: `~${plan.order.id}` }),
      orderRepository.linesInsert(trx, plan.lines),
      orderRepository.statusChangeInsert(trx, plan.history),
      orderEventInsert(trx, { orderId: plan.order.id, storeId: store.id, status: plan.order.status, type: 'placed' }),
      ...cartCheckedOutWrites(trx, cart, plan.order.id),
    ])
    await lockLevelsForHandover(trx, [
      ...view.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
      ...view.lines.map((line) => ({ storeId: store.id, variantId: line.variant_id })),
    ])
    await releaseCartHolds(trx, cart.id)
    const claim = await claimStockSlotAndNumber(trx, {
      orderId: plan.order.id,
      storeId: store.id,
      slotStart: checkout.slot.start,
      slotCapacity: store.slot_capacity,
      lines: plan.stock.lines,
    })
    if (!claim.reserved) return placedOrThrow({ kind: 'INSUFFICIENT_STOCK', available: claim.available }, plan, view)
    if (!claim.slotBooked || !claim.order) return placedOrThrow({ kind: 'SLOT_FULL' }, plan, view)
    return placedOrThrow({ kind: 'PLACED', order: claim.order }, plan, view)
  })
}
