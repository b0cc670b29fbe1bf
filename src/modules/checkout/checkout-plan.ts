import { randomUUID } from 'node:crypto'
import type { Insertable } from 'kysely'
import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { OrderStatusChangeTable, PaymentMode, SalesOrderTable } from '../../db/database.js'
import type { CartCredentials } from '../carts/cart-access.js'
import { cartCheckedOutRows } from '../carts/cart-checkout.service.js'
import type { RequestOrigin } from '../channels/request-origin.js'
import { InsufficientStockError } from '../inventory/inventory.errors.js'
import { SlotFullError } from '../orders/order.errors.js'
import { type OrderView, orderTotals } from '../orders/order.js'
import { orderEventRow } from '../orders/order-events.js'
import type { PickupSlot } from '../pickup/pickup-slots.js'
import type { OrderDiscounts } from '../promotions/order-discounts.js'
import { asCodeRefusal } from '../promotions/order-pricing.service.js'
import { refusalError } from '../promotions/promotion-usage.service.js'
import type { CheckoutRead } from './checkout-read.repository.js'
import type { CheckoutWrite, CheckoutWriteResult } from './checkout-statement.repository.js'

export interface PlaceOrderInput {
  cartId: string
  credentials: CartCredentials
  storeId: string
  /** The slot the shopper chose, or ASAP: the earliest with a place left that the store's ready-time estimate allows. */
  pickupSlotStart: Date | 'ASAP'
  paymentMode: Extract<PaymentMode, 'ONLINE' | 'AT_PICKUP'>
  idempotencyKey: string
  /** Given by the shopper for the ready notification; null falls back to the account email. */
  contactEmail?: string | null
  /** Gift cards paying the order first, in this order; a card or the counter pays the rest. */
  giftCardCodes?: readonly string[]
  /**
   * Where the request placing the order comes from (channels/request-origin.ts): the order keeps
   * its storefront, the cart's checked_out event its device. The order's channel stays the cart's
   * last one, the channel its prices were shown for.
   */
  origin: RequestOrigin
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

export type OrderPlan = ReturnType<typeof planOrder>

/**
 * Everything the checkout writes, computed from what it read: the rows, the code, the stock
 * wanted. The order's number is left to the store's counter, taken as the order is written.
 */
export function planOrder(
  input: PlaceOrderInput,
  read: CheckoutRead,
  store: NonNullable<CheckoutRead['store']>,
  slot: PickupSlot,
  discounts: OrderDiscounts,
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
    // The price the cart showed, which the checkout has found equal to the price rule's now.
    unit_price_minor: line.unit_price_minor,
    tax_rate_bp: line.variant.tax_rate_bp,
    discount_minor: discounts.lineDiscounts[index] ?? 0,
  }))
  const pickupCode = input.secrets.newPickupCode()
  const status = input.paymentMode === 'AT_PICKUP' ? 'PLACED' : 'PENDING_PAYMENT'
  const totals = orderTotals(lines)
  const order = {
    id: orderId,
    store_id: store.id,
    customer_id: cart.customer_id,
    cart_id: cart.id,
    idempotency_key: input.idempotencyKey,
    contact_email: input.contactEmail ?? null,
    channel: cart.last_channel,
    storefront_id: input.origin.storefrontId,
    status,
    payment_mode: input.paymentMode,
    pickup_slot_start: slot.start,
    pickup_slot_end: slot.end,
    pickup_code_hash: input.secrets.hashPickupCode(orderId, pickupCode),
    currency_code: cart.currency_code ?? '',
    subtotal_minor: totals.subtotalMinor,
    discount_minor: totals.discountMinor,
    tax_minor: totals.taxMinor,
    total_minor: totals.totalMinor,
    payment_due_at:
      status === 'PENDING_PAYMENT' ? new Date(input.now.getTime() + input.paymentTimeoutMinutes * 60_000) : null,
  } satisfies Omit<Insertable<SalesOrderTable>, 'number'>
  return {
    order,
    lines,
    discounts,
    pickupCode,
    history: {
      order_id: orderId,
      status,
      actor_type: 'CUSTOMER',
      actor_id: cart.customer_id,
      note: null,
      at: input.now,
    } satisfies Insertable<OrderStatusChangeTable>,
    orderEvent: orderEventRow({ orderId, storeId: store.id, status, type: 'placed' }),
    cartRows: cartCheckedOutRows(cart, orderId, input.origin),
    stock: {
      storeId: store.id,
      slotStart: slot.start,
      slotCapacity: store.slot_capacity,
      lines: read.lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity })),
    },
  }
}

/** The plan as comptoir_place_orders takes it, valid only while the cart is the version read. */
export function checkoutWriteOf(read: CheckoutRead, plan: OrderPlan): CheckoutWrite {
  return {
    cart: { id: read.cart.id, version: read.version },
    order: plan.order,
    lines: plan.lines,
    history: plan.history,
    cartEvent: plan.cartRows.journey,
    events: [plan.orderEvent, plan.cartRows.outbox],
    stock: plan.stock,
    promotions: plan.discounts.uses,
    discounts: plan.discounts.rows,
  }
}

/** The placed order, or the business error its write ran into; null when the cart changed. */
export function placedOrThrow(written: CheckoutWriteResult, plan: OrderPlan, read: CheckoutRead): PlacedOrder | null {
  const { lines } = read
  if (written.kind === 'CART_CHANGED') return null
  if (written.kind === 'SLOT_FULL') throw new SlotFullError()
  // Refused as the pricing would have refused it, had the last use gone a moment earlier.
  if (written.kind === 'PROMOTION_REFUSED') throw asCodeRefusal(refusalError(written), read.cart.discount_codes)
  if (written.kind === 'INSUFFICIENT_STOCK') {
    throw new InsufficientStockError(
      lines.flatMap((line, index) => {
        const available = Math.max(0, written.available.get(line.variant_id) ?? 0)
        if (available >= line.quantity) return []
        return [{ index, variantId: line.variant_id, sku: line.variant.sku, requested: line.quantity, available }]
      }),
    )
  }
  const order = {
    ...written.order,
    lines: plan.lines.map((line) => ({ ...line, missing_quantity: 0 })),
  }
  return { orderId: order.id, order, pickupCode: plan.pickupCode, replayed: false }
}
