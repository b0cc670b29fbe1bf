import { randomUUID } from 'node:crypto'
import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { Db } from '../../db/create-db.js'
import type { CartRow, PaymentMode, StoreRow } from '../../db/database.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from '../carts/cart.errors.js'
import type { CartView } from '../carts/cart.js'
import { findCartForCheckout, viewsOfCarts } from '../carts/cart.service.js'
import { type CartCredentials, grantCartAccess } from '../carts/cart-access.js'
import { cartCheckedOutRows } from '../carts/cart-checkout.service.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import { findPickupSlot } from '../pickup/pickup.service.js'
import type { PickupSlot } from '../pickup/pickup-slots.js'
import { findStore } from '../stores/store.service.js'
import { placeHeldOrder } from './checkout-held.service.js'
import { type CheckoutWriteResult, writeCheckout } from './checkout-statement.repository.js'
import {
  CartChangedError,
  CartEmptyError,
  IdempotencyKeyMismatchError,
  SlotFullError,
  StoreClosedError,
} from './order.errors.js'
import { type OrderView, orderTotals } from './order.js'
import * as orderRepository from './order.repository.js'
import { orderEventRow } from './order-events.js'

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

/** How often a checkout starts over when its cart changed between reading and writing it. */
const MAX_ATTEMPTS = 3

/**
 * Turns a cart into an order for pickup, all or nothing. The cart, its lines, the store and the
 * slot are read and checked first, without locks; then the whole order is written in one
 * statement that only applies if the cart is still the version read (see writeCheckout). A cart
 * changed meanwhile (another device, a concurrent retry) starts the checkout over, so the same
 * cart and key return the same order. No network call happens here: payment starts afterwards.
 */
export async function placeOrder(db: Db, input: PlaceOrderInput): Promise<PlacedOrder> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const placed = await attemptCheckout(db, input)
    if (placed) return placed
  }
  throw new CartChangedError()
}

async function attemptCheckout(db: Db, input: PlaceOrderInput): Promise<PlacedOrder | null> {
  const read = await findCartForCheckout(db, input.cartId)
  if (!read || !(await grantCartAccess(db, read, input.credentials))) throw new CartNotFoundError()
  const { version, ...cart } = read
  if (cart.status === 'CHECKED_OUT') return replay(db, cart, input.idempotencyKey)
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)

  const [view] = await viewsOfCarts(db, [cart])
  if (!view || view.lines.length === 0 || !cart.currency_code) throw new CartEmptyError()
  const store = await findStore(db, input.storeId)
  if (!store) throw new UnknownStoreError()
  // Refused before anything is written when the time is not one of the store's slots.
  const slot = findPickupSlot(store, input.pickupSlotStart, input.now)
  if (!slot) throw new StoreClosedError()

  const plan = planOrder(input, view, store, slot)
  // Stock the cart holds becomes the order's: that moves the same rows twice, in a transaction.
  if (view.holds.length > 0) return placeHeldOrder(db, { cart, version, view, store, slot, plan, input })
  const written = await writeCheckout(db, {
    cart: { id: cart.id, version },
    order: orderRepository.orderRow(plan.order),
    lines: plan.lines,
    history: orderRepository.statusChangeRow(plan.history),
    cartEvent: plan.cartRows.journey,
    events: [plan.orderEvent, plan.cartRows.outbox],
    stock: plan.stock,
  })
  return placedOrThrow(written, plan, view)
}

async function replay(db: Db, cart: CartRow, idempotencyKey: string): Promise<PlacedOrder> {
  const existing = await orderRepository.findOrderByCart(db, cart.id)
  if (existing && existing.idempotency_key === idempotencyKey) {
    return { orderId: existing.id, order: null, pickupCode: null, replayed: true }
  }
  throw new IdempotencyKeyMismatchError()
}

export type OrderPlan = ReturnType<typeof planOrder>

/** Everything the checkout writes, computed from what it read: the rows, the code, the stock wanted. */
function planOrder(input: PlaceOrderInput, view: CartView, store: StoreRow, slot: PickupSlot) {
  const orderId = randomUUID()
  const lines = view.lines.map((line, index) => ({
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
  const order: orderRepository.NewOrder = {
    id: orderId,
    number: '', // given by the store's counter as the order is written
    storeId: store.id,
    customerId: view.customer_id,
    cartId: view.id,
    idempotencyKey: input.idempotencyKey,
    contactEmail: input.contactEmail ?? null,
    channel: view.last_channel,
    status,
    paymentMode: input.paymentMode,
    pickupSlotStart: slot.start,
    pickupSlotEnd: slot.end,
    pickupCodeHash: input.secrets.hashPickupCode(orderId, pickupCode),
    currencyCode: view.currency_code ?? '',
    totals: orderTotals(lines),
    paymentDueAt:
      status === 'PENDING_PAYMENT' ? new Date(input.now.getTime() + input.paymentTimeoutMinutes * 60_000) : null,
  }
  return {
    order,
    lines,
    pickupCode,
    history: {
      orderId,
      status,
      actorType: 'CUSTOMER',
      actorId: view.customer_id,
      note: null,
      at: input.now,
    } satisfies orderRepository.NewStatusChange,
    orderEvent: orderEventRow({ orderId, storeId: store.id, status, type: 'placed' }),
    cartRows: cartCheckedOutRows(view, orderId),
    stock: {
      storeId: store.id,
      slotStart: slot.start,
      slotCapacity: store.slot_capacity,
      lines: view.lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    },
  }
}

/** The placed order, or the business error its write ran into; null when the cart changed. */
export function placedOrThrow(written: CheckoutWriteResult, plan: OrderPlan, view: CartView): PlacedOrder | null {
  if (written.kind === 'CART_CHANGED') return null
  if (written.kind === 'SLOT_FULL') throw new SlotFullError()
  if (written.kind === 'INSUFFICIENT_STOCK') {
    throw new InsufficientStockError(
      view.lines.flatMap((line, index) => {
        const available = Math.max(0, written.available.get(line.variant_id) ?? 0)
        if (available >= line.quantity) return []
        return [{ index, variantId: line.variant_id, sku: line.variant.sku, requested: line.quantity, available }]
      }),
    )
  }
  const order = { ...written.order, lines: plan.lines.map((line) => ({ ...line, missing_quantity: 0 })) }
  return { orderId: order.id, order, pickupCode: plan.pickupCode, replayed: false }
}
