import type { Db } from '../../db/create-db.js'
import { CartNotActiveError, CartNotFoundError, UnknownStoreError } from '../carts/cart.errors.js'
import { grantCartAccessByTokens } from '../carts/cart-access.js'
import { repriceCartLines } from '../carts/cart-reprice.service.js'
import {
  CartChangedError,
  CartEmptyError,
  IdempotencyKeyMismatchError,
  SlotFullError,
  StoreClosedError,
} from '../orders/order.errors.js'
import { findOrderOfCart } from '../orders/order.service.js'
import { findPickupSlot } from '../pickup/pickup.service.js'
import { PriceChangedError } from '../pricing/price.errors.js'
import { earliestPickupSlot } from '../readiness/ready-time.service.js'
import { StoreNotAcceptingOrdersError } from '../stores/store.errors.js'
import { checkoutDiscounts } from './checkout-discounts.js'
import { payWithGiftCards } from './checkout-gift-cards.js'
import { checkoutWriteOf, type PlacedOrder, type PlaceOrderInput, placedOrThrow, planOrder } from './checkout-plan.js'
import { type CheckoutCartLine, type CheckoutRead, readCheckout } from './checkout-read.repository.js'
import { writeCheckout } from './checkout-statement.repository.js'
import { placeOrderInTransaction } from './checkout-transaction.service.js'

export type { PlacedOrder, PlaceOrderInput } from './checkout-plan.js'

/** How often a checkout starts over when its cart changed between reading and writing it. */
const MAX_ATTEMPTS = 3

/**
 * Turns a cart into an order for pickup, all or nothing. The cart, its lines, the store, the slot
 * and the prices (each line's shown price against the price rule's now, for this store and the
 * cart's channel: PRICE_CHANGED, the cart re-priced, when one differs) and its discounts (a code
 * that no longer applies refuses the checkout) are read and checked first, without locks; then the whole order is written in one statement that only applies if the cart
 * is still the version read (see writeCheckout). A cart
 * changed meanwhile (another device, a concurrent retry) starts the checkout over, so the same
 * cart and key return the same order. No network call happens here: payment starts afterwards.
 */
export async function placeOrder(db: Db, input: PlaceOrderInput): Promise<PlacedOrder> {
  let refusal: Error = new CartChangedError()
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const placed = await attemptCheckout(db, input)
      if (placed) return placed
    } catch (error) {
      // The slot ASAP chose filled up meanwhile: the next attempt chooses again.
      if (!(input.pickupSlotStart === 'ASAP' && error instanceof SlotFullError)) throw error
      refusal = error
    }
  }
  throw refusal
}

async function attemptCheckout(db: Db, input: PlaceOrderInput): Promise<PlacedOrder | null> {
  const read = await readCheckout(db, input.cartId, input.storeId, input.now)
  if (!read || !grantCartAccessByTokens(read.cart, read.tokens, input.credentials)) throw new CartNotFoundError()
  const { cart, store } = read
  if (cart.status === 'CHECKED_OUT') return replay(db, cart.id, input.idempotencyKey)
  if (cart.status !== 'ACTIVE') throw new CartNotActiveError(cart.status)
  if (read.lines.length === 0 || !cart.currency_code) throw new CartEmptyError()
  if (!store) throw new UnknownStoreError()
  if (!store.accepting_orders) throw new StoreNotAcceptingOrdersError()
  // Refused before anything is written when the time is not one of the store's slots (its
  // special days included: a closed date has none); ASAP's choice passes the same check.
  const slotStart =
    input.pickupSlotStart === 'ASAP' ? await asapSlotStart(db, read, store, input.now) : input.pickupSlotStart
  const slot = slotStart && findPickupSlot(store, slotStart, input.now)
  if (!slot) throw new StoreClosedError()

  // Never charge a price the shopper was not shown: the cart is shown the new ones instead.
  const changed = changedPrices(read)
  if (changed.length > 0) {
    if (!(await repriceCartLines(db, repricing(read, store.id, changed)))) return null
    throw new PriceChangedError(changed.map(({ index, line }) => changedLineOf(index, line, read.cart.currency_code)))
  }

  const plan = planOrder(input, read, store, slot, await checkoutDiscounts(db, read, store.id, input.now))
  // Stock the cart holds becomes the order's (the same rows moved twice), and gift cards pay in
  // the order's transaction: both need a transaction of their own.
  const giftCardCodes = input.giftCardCodes ?? []
  if (giftCardCodes.length > 0) {
    return placeOrderInTransaction(db, read, plan, payWithGiftCards({ codes: giftCardCodes, now: input.now }))
  }
  if (read.holds.length > 0) return placeOrderInTransaction(db, read, plan)
  return placedOrThrow(await writeCheckout(db, checkoutWriteOf(read, plan)), plan, read)
}

/** The start of the earliest slot with a place left that the ready-time estimate allows for this cart. */
async function asapSlotStart(db: Db, read: CheckoutRead, store: NonNullable<CheckoutRead['store']>, now: Date) {
  const units = read.lines.reduce((sum, line) => sum + line.quantity, 0)
  return (await earliestPickupSlot(db, store, units, now))?.start ?? null
}

/** The lines whose shown price is not the rule's price now, with their index in the cart. */
function changedPrices(read: CheckoutRead) {
  return read.lines.flatMap((line, index) =>
    line.unit_price_minor === line.current_price_minor ? [] : [{ index, line }],
  )
}

function repricing(read: CheckoutRead, storeId: string, changed: ReturnType<typeof changedPrices>) {
  return {
    cartId: read.cart.id,
    version: read.version,
    customerId: read.cart.customer_id,
    channel: read.cart.last_channel,
    storeId,
    lines: changed.map(({ line }) => ({
      variantId: line.variant_id,
      quantity: line.quantity,
      fromMinor: line.unit_price_minor,
      toMinor: line.current_price_minor,
    })),
  }
}

function changedLineOf(index: number, line: CheckoutCartLine, currencyCode: string | null) {
  return {
    index,
    sku: line.variant.sku,
    shownMinor: line.unit_price_minor,
    currentMinor: line.current_price_minor,
    currencyCode: currencyCode ?? '',
  }
}

async function replay(db: Db, cartId: string, idempotencyKey: string): Promise<PlacedOrder> {
  const existing = await findOrderOfCart(db, cartId)
  if (existing && existing.idempotency_key === idempotencyKey) {
    return { orderId: existing.id, order: null, pickupCode: null, replayed: true }
  }
  throw new IdempotencyKeyMismatchError()
}
