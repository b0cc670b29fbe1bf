import { randomUUID } from 'node:crypto'
import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { PaymentMode } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from '../carts/cart.errors.js'
import { findCartViews, lockCartForCheckout } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'
import { markCartCheckedOut } from '../carts/cart-checkout.service.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { lockLevelsForHandover, reserveForOrder } from '../inventory/inventory.service.js'
import { bookPickupSlot, findPickupSlot } from '../pickup/pickup.service.js'
import { findStore } from '../stores/store.service.js'
import { CartEmptyError, IdempotencyKeyMismatchError, SlotFullError, StoreClosedError } from './order.errors.js'
import { formatOrderNumber, orderTotals } from './order.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'

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
      return { orderId: existing.id, pickupCode: null, replayed: true }
    }
    throw new IdempotencyKeyMismatchError()
  }
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)

  const [view] = await findCartViews(trx, [cart.id])
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

  // Rows nobody else contends for are written first. The shared rows (stock, slot, the store's
  // order counter) are taken last, so their locks are held for a few statements until commit:
  // that is what bounds checkouts per second on a hot SKU.
  await orderRepository.insertOrder(trx, {
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
  })
  await orderRepository.insertLines(trx, snapshot)
  await orderRepository.insertStatusChange(trx, {
    orderId,
    status,
    actorType: 'CUSTOMER',
    actorId: cart.customer_id,
    note: null,
    at: input.now,
  })
  await recordOrderEvent(trx, { orderId, storeId: store.id, status, type: 'placed' })
  await markCartCheckedOut(trx, cart, orderId)

  // What the cart held becomes the order's reservation: release, then reserve, in one transaction.
  if (view && view.holds.length > 0) {
    await lockLevelsForHandover(trx, [
      ...view.holds.map((hold) => ({ storeId: hold.store_id, variantId: hold.variant_id })),
      ...lines.map((line) => ({ storeId: store.id, variantId: line.variant_id })),
    ])
    await releaseCartHolds(trx, cart.id)
  }
  await reserveForOrder(trx, {
    storeId: store.id,
    orderId,
    actor: { type: 'SYSTEM', id: null },
    lines: lines.map((line, index) => ({
      variantId: line.variant_id,
      quantity: line.quantity,
      sku: line.variant.sku,
      index,
    })),
  })
  const booking = await bookPickupSlot(trx, store, slot.start, input.now)
  if (booking === 'STORE_CLOSED') throw new StoreClosedError()
  if (booking === 'SLOT_FULL') throw new SlotFullError()
  await orderRepository.updateOrder(trx, orderId, {
    number: formatOrderNumber(await orderRepository.nextOrderSequence(trx, store.id)),
  })
  return { orderId, pickupCode, replayed: false }
}
