import { randomUUID } from 'node:crypto'
import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { PaymentMode } from '../../db/database.js'
import { executeAsOneStatement } from '../../db/sql-batch.js'
import type { Trx } from '../../db/transaction.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from '../carts/cart.errors.js'
import { lockCartForCheckout, viewsOfCarts } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'
import { cartCheckedOutWrites } from '../carts/cart-checkout.service.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import { lockLevelsForHandover } from '../inventory/inventory.service.js'
import { findPickupSlot } from '../pickup/pickup.service.js'
import { findStore } from '../stores/store.service.js'
import { claimStockSlotAndNumber } from './checkout-commit.repository.js'
import { CartEmptyError, IdempotencyKeyMismatchError, SlotFullError, StoreClosedError } from './order.errors.js'
import { type OrderView, orderTotals } from './order.js'
import * as orderRepository from './order.repository.js'
import { orderEventInsert } from './order-events.js'

export interface PlaceOrderInput {
  cartId: string
  credentials: CartCredentials
  storeId: string
  pickupSlotStart: Date
  paymentMode: Extract<PaymentMode, 'ONLINE' | 'AT_PICKUP'>
  idempotencyKey: string
  /** Given by the shopper for the ready notification; null falls back to the account email. */
  contactEmail?: string | null
  now: Date
  paymentTimeoutMinutes: number
  secrets: PickupSecrets
}

export interface PlacedOrder {
  orderId: string
  /** The order just placed, as committed; null when a retry found an earlier order. */
  order: OrderView | null
  /** Shown once, to the shopper who placed the order; null when a retry found the order. */
  pickupCode: string | null
  replayed: boolean
}

/**
 * Turns a cart into an order for pickup, all or nothing, in the caller's transaction: the cart
 * row is locked first (so retries and other devices queue behind), then stock is reserved in
 * variant order, then the slot and the store's order number are taken. No network call happens
 * here: payment starts after commit. The same cart and key again return the same order.
 */
export async function placeOrder(trx: Trx, input: PlaceOrderInput): Promise<PlacedOrder> {
  const cart = await lockCartForCheckout(trx, input.cartId)
  if (!cart || !(await grantCartAccess(trx, cart, input.credentials))) throw new CartNotFoundError()
  if (cart.status === 'CHECKED_OUT') {
    const existing = await orderRepository.findOrderByCart(trx, cart.id)
    if (existing && existing.idempotency_key === input.idempotencyKey) {
      return { orderId: existing.id, order: null, pickupCode: null, replayed: true }
    }
    throw new IdempotencyKeyMismatchError()
  }
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)

  const [view] = await viewsOfCarts(trx, [cart])
  const lines = view?.lines ?? []
  if (lines.length === 0 || !cart.currency_code) throw new CartEmptyError()
  const store = await findStore(trx, input.storeId)
  if (!store) throw new UnknownStoreError()

  // Refused before anything is locked when the time is not one of the store's slots.
  const slot = findPickupSlot(store, input.pickupSlotStart, input.now)
  if (!slot) throw new StoreClosedError()

  const orderId = randomUUID()
  const snapshot = lines.map((line, index) => ({
    order_id: orderId,
    line_number: index + 1,
    variant_id: line.variant_id,
    sku: line.variant.sku,
    title: line.variant.title,
    quantity: line.quantity,
    unit_price_minor: line.variant.price_minor,
    tax_rate_bp: line.variant.tax_rate_bp,
  }))
  const pickupCode = input.secrets.newPickupCode()
  const status = input.paymentMode === 'AT_PICKUP' ? 'PLACED' : 'PENDING_PAYMENT'

  // Rows nobody else contends for are written first, in one statement. The shared rows (stock,
  // slot, the store's order counter) are claimed last, in one more, so their locks are held for
  // that statement and the COMMIT: that is what bounds checkouts per second on a hot SKU.
  const newOrder: orderRepository.NewOrder = {
    id: orderId,
    number: `~${orderId}`, // replaced below, once the store's counter is taken
    storeId: store.id,
    customerId: cart.customer_id,
    cartId: cart.id,
    idempotencyKey: input.idempotencyKey,
    contactEmail: input.contactEmail ?? null,
    channel: cart.last_channel,
    status,
    paymentMode: input.paymentMode,
    pickupSlotStart: slot.start,
    pickupSlotEnd: slot.end,
    pickupCodeHash: input.secrets.hashPickupCode(orderId, pickupCode),
    currencyCode: cart.currency_code,
    totals: orderTotals(snapshot),
    paymentDueAt:
      status === 'PENDING_PAYMENT' ? new Date(input.now.getTime() + input.paymentTimeoutMinutes * 60_000) : null,
  }
  const history: orderRepository.NewStatusChange = {
    orderId,
    status,
    actorType: 'CUSTOMER',
    actorId: cart.customer_id,
    note: null,
    at: input.now,
  }
  // One round trip for every row no other checkout contends for.
  await executeAsOneStatement(trx, [
    orderRepository.orderInsert(trx, newOrder),
    orderRepository.linesInsert(trx, snapshot),
    orderRepository.statusChangeInsert(trx, history),
    orderEventInsert(trx, { orderId, storeId: store.id, status, type: 'placed' }),
    ...cartCheckedOutWrites(trx, cart, orderId),
  ])

  // What the cart held becomes the order's reservation: release, then reserve, in one transaction.
  if (view && view.holds.length > 0) {
    await lockLevelsForHandover(trx, [
      ...view.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
      ...lines.map((line) => ({ storeId: store.id, variantId: line.variant_id })),
    ])
    await releaseCartHolds(trx, cart.id)
  }
  const claim = await claimStockSlotAndNumber(trx, {
    orderId,
    storeId: store.id,
    slotStart: slot.start,
    slotCapacity: store.slot_capacity,
    lines: lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
  })
  if (!claim.reserved) {
    throw new InsufficientStockError(
      lines.flatMap((line, index) => {
        const available = Math.max(0, claim.available.get(line.variant_id) ?? 0)
        if (available >= line.quantity) return []
        return [{ index, variantId: line.variant_id, sku: line.variant.sku, requested: line.quantity, available }]
      }),
    )
  }
  if (!claim.slotBooked || !claim.order) throw new SlotFullError()
  const order = { ...claim.order, lines: snapshot.map((line) => ({ ...line, missing_quantity: 0 })) }
  return { orderId, order, pickupCode, replayed: false }
}
