import { randomUUID } from 'node:crypto'
import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { Db } from '../../db/create-db.js'
import type { PaymentMode } from '../../db/database.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from '../carts/cart.errors.js'
import { type CartCredentials, grantCartAccessByTokens } from '../carts/cart-access.js'
import { cartCheckedOutRows } from '../carts/cart-checkout.service.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import {
  CartChangedError,
  CartEmptyError,
  IdempotencyKeyMismatchError,
  SlotFullError,
  StoreClosedError,
} from '../orders/order.errors.js'
import { type OrderView, orderTotals } from '../orders/order.js'
import * as orderRepository from '../orders/order.repository.js'
import { orderEventRow } from '../orders/order-events.js'
import { findPickupSlot } from '../pickup/pickup.service.js'
import type { PickupSlot } from '../pickup/pickup-slots.js'
import { placeHeldOrder } from './checkout-held.service.js'
import { type CheckoutCartLine, type CheckoutRead, readCheckout } from './checkout-read.repository.js'
import { type CheckoutWriteResult, writeCheckout } from './checkout-statement.repository.js'

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
  const read = await readCheckout(db, input.cartId, input.storeId)
  if (!read || !grantCartAccessByTokens(read.cart, read.tokens, input.credentials)) throw new CartNotFoundError()
  const { cart, store } = read
  if (cart.status === 'CHECKED_OUT') return replay(db, cart.id, input.idempotencyKey)
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)
  if (read.lines.length === 0 || !cart.currency_code) throw new CartEmptyError()
  if (!store) throw new UnknownStoreError()
  // Refused before anything is written when the time is not one of the store's slots.
  const slot = findPickupSlot(store, input.pickupSlotStart, input.now)
  if (!slot) throw new StoreClosedError()

  const plan = planOrder(input, read, store, slot)
  // Stock the cart holds becomes the order's: that moves the same rows twice, in a transaction.
  if (read.holds.length > 0) return placeHeldOrder(db, read, plan)
  const written = await writeCheckout(db, {
    cart: { id: cart.id, version: read.version },
    order: orderRepository.orderRow(plan.order),
    lines: plan.lines,
    history: orderRepository.statusChangeRow(plan.history),
    cartEvent: plan.cartRows.journey,
    events: [plan.orderEvent, plan.cartRows.outbox],
    stock: plan.stock,
  })
  return placedOrThrow(written, plan, read.lines)
}

async function replay(db: Db, cartId: string, idempotencyKey: string): Promise<PlacedOrder> {
  const existing = await orderRepository.findOrderByCart(db, cartId)
  if (existing && existing.idempotency_key === idempotencyKey) {
    return { orderId: existing.id, order: null, pickupCode: null, replayed: true }
  }
  throw new IdempotencyKeyMismatchError()
}

export type OrderPlan = ReturnType<typeof planOrder>

/** Everything the checkout writes, computed from what it read: the rows, the code, the stock wanted. */
function planOrder(
  input: PlaceOrderInput,
  read: CheckoutRead,
  store: NonNullable<CheckoutRead['store']>,
  slot: PickupSlot,
) {
  const { cart } = read
  const orderId = randomUUID()
  const lines = read.lines.map((line, index) => ({
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
    currencyCode: cart.currency_code ?? '',
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
      actorId: cart.customer_id,
      note: null,
      at: input.now,
    } satisfies orderRepository.NewStatusChange,
    orderEvent: orderEventRow({ orderId, storeId: store.id, status, type: 'placed' }),
    cartRows: cartCheckedOutRows(cart, orderId),
    stock: {
      storeId: store.id,
      slotStart: slot.start,
      slotCapacity: store.slot_capacity,
      lines: read.lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    },
  }
}

/** The placed order, or the business error its write ran into; null when the cart changed. */
export function placedOrThrow(
  written: CheckoutWriteResult,
  plan: OrderPlan,
  lines: readonly CheckoutCartLine[],
): PlacedOrder | null {
  if (written.kind === 'CART_CHANGED') return null
  if (written.kind === 'SLOT_FULL') throw new SlotFullError()
  if (written.kind === 'INSUFFICIENT_STOCK') {
    throw new InsufficientStockError(
      lines.flatMap((line, index) => {
        const available = Math.max(0, written.available.get(line.variant_id) ?? 0)
        if (available >= line.quantity) return []
        return [{ index, variantId: line.variant_id, sku: line.variant.sku, requested: line.quantity, available }]
      }),
    )
  }
  const order = { ...written.order, lines: plan.lines.map((line) => ({ ...line, missing_quantity: 0 })) }
  return { orderId: order.id, order, pickupCode: plan.pickupCode, replayed: false }
}
