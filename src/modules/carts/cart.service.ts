import { randomUUID } from 'node:crypto'
import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { CartRow, Channel } from '../../db/database.js'
import { findActiveVariants } from '../catalog/catalog.service.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import { findHoldsOfCarts } from '../inventory/cart-hold.service.js'
import { UnknownStoreError } from './cart.errors.js'
import { type CartView, hashSecret, newCartToken } from './cart.js'
import * as cartRepository from './cart.repository.js'
import { type CartCredentials, grantCartAccess } from './cart-access.js'
import { changeCart } from './cart-change.js'
import { commitCartWrite, withCartAttempts } from './cart-commit.js'
import type { CartHolding } from './cart-hold-sync.js'
import { repricedLines } from './cart-line-prices.js'
import { addQuantity, type LineInput, planLineQuantities } from './cart-lines.service.js'
import type { CartLineWrite, CartWriteState } from './cart-write.repository.js'
import * as cartWriteRepository from './cart-write.repository.js'

/** Carts with their lines, variants and stock holds: four queries whatever the number of carts. */
export async function findCartViews(db: Db, cartIds: readonly string[]): Promise<CartView[]> {
  const carts = await cartRepository.findCartsByIds(db, cartIds)
  const ids = carts.map((cart) => cart.id)
  const [lines, holds] = await Promise.all([cartRepository.findLinesOfCarts(db, ids), findHoldsOfCarts(db, ids)])
  const variants = await findActiveVariants(
    db,
    lines.map((line) => line.variant_id),
  )
  return carts.map((cart) => ({
    ...cart,
    holds: holds.filter((hold) => hold.cart_id === cart.id),
    lines: lines.flatMap((line) => {
      const variant = variants.get(line.variant_id)
      // A variant withdrawn from sale after it was added drops out of the cart's view and totals.
      return line.cart_id === cart.id && variant ? [{ ...line, variant }] : []
    }),
  }))
}

/** The cart if this caller may see it; null alike for missing, foreign and wrong-token carts. */
export async function findAccessibleCart(
  db: Db,
  cartId: string,
  credentials: CartCredentials,
): Promise<CartView | null> {
  const [cart] = await findCartViews(db, [cartId])
  if (!cart) return null
  return (await grantCartAccess(db, cart, credentials)) ? cart : null
}

export function findActiveCartOfCustomer(db: Db, customerId: string): Promise<CartRow | undefined> {
  return cartRepository.findActiveCartOfCustomer(db, customerId)
}

export function findActiveCartsOfCustomers(db: Db, customerIds: readonly string[]): Promise<CartRow[]> {
  return cartRepository.findActiveCartsOfCustomers(db, customerIds)
}

/**
 * Opens a cart for this device and returns its secret token (shown once). A signed-in customer
 * who already has an active cart gets that cart, so every device of theirs shows the same one.
 * One statement to read and one to write (see withCartAttempts).
 */
export function createCart(
  db: Db,
  input: {
    viewer: Viewer
    channel: Channel
    /** The device and storefront of the request (channels/request-origin.ts). */
    device: string | null
    storefrontId: string | null
    lines: LineInput[]
    pickupStoreId: string | null
    holding?: CartHolding
    /** The instant its lines are priced at. */
    now: Date
  },
): Promise<{ cart: CartView; cartToken: string }> {
  const customerId = input.viewer.kind === 'customer' ? input.viewer.customerId : null
  const cartToken = newCartToken()
  const token = { token_hash: hashSecret(cartToken), channel: input.channel }
  return withCartAttempts(db, customerId, input.holding, async (scope, trx) => {
    const state = await cartWriteRepository.readCartForWrite(scope, {
      cartId: null,
      customerId,
      variantIds: input.lines.map((line) => line.variantId),
      storeId: input.pickupStoreId,
      lock: trx !== null,
      // A store named becomes the cart's (a customer's open cart keeps its own otherwise).
      pricing: { setsStore: input.pickupStoreId !== null, channels: [input.channel], at: input.now },
    })
    if (input.pickupStoreId && !state.storeFound) throw new UnknownStoreError()
    // Checked out since it was found: this customer needs a new cart; look again.
    if (state.cart && state.cart.status !== 'ACTIVE') return null
    const change =
      state.cart && state.version
        ? openedCustomerCart(state.cart, state.version, state, input)
        : newCart(customerId, state, input)
    const cart = await commitCartWrite(scope, trx, {
      state,
      write: { ...change.write, tokens: [token], handoffs: [] },
      events: change.events,
      holding: input.holding,
    })
    return cart ? { cart, cartToken } : null
  })
}

type CreateInput = Parameters<typeof createCart>[1]

/** A new cart, with its lines; "created", then "lines_added" when it has lines. */
function newCart(customerId: string | null, state: CartWriteState, input: CreateInput) {
  const cartId = randomUUID()
  const planned = planLineQuantities(null, state, input.lines, addQuantity, input.channel)
  const event = { cartId, customerId, channel: input.channel, device: input.device, storefrontId: input.storefrontId }
  return {
    write: {
      cart: {
        kind: 'insert' as const,
        cartId,
        customerId,
        channel: input.channel,
        storefrontId: input.storefrontId,
        pickupStoreId: input.pickupStoreId,
        currencyCode: planned.changes?.currency_code ?? null,
      },
      deleteVariantIds: [],
      upsertLines: planned.lines?.upsert ?? [],
    },
    events: [
      { ...event, type: 'created', payload: {} },
      ...(input.lines.length > 0 ? [{ ...event, type: 'lines_added', payload: planned.payload ?? {} }] : []),
    ],
  }
}

/**
 * The customer's active cart, opened on this device: its lines added ("lines_added"), then the
 * store chosen ("pickup_store_set", which prices every line there); with neither, only the
 * device's token is added.
 */
function openedCustomerCart(cart: CartRow, version: string, state: CartWriteState, input: CreateInput) {
  const planned =
    input.lines.length > 0
      ? planLineQuantities(cart.currency_code, state, input.lines, addQuantity, input.channel)
      : null
  const storeChanged = input.pickupStoreId !== null && input.pickupStoreId !== cart.pickup_store_id
  // The new store prices every line; lines the request also names keep their new quantity.
  const upsert = storeChanged
    ? mergeLineWrites(repricedLines(state, input.channel), planned?.lines?.upsert ?? [])
    : (planned?.lines?.upsert ?? [])
  const event = {
    cartId: cart.id,
    customerId: cart.customer_id,
    channel: input.channel,
    device: input.device,
    storefrontId: input.storefrontId,
  }
  const events = [
    ...(planned ? [{ ...event, type: 'lines_added', payload: planned.payload ?? {} }] : []),
    ...(input.pickupStoreId ? [{ ...event, type: 'pickup_store_set', payload: { storeId: input.pickupStoreId } }] : []),
  ]
  return {
    write: {
      cart: {
        kind: 'update' as const,
        cartId: cart.id,
        version,
        lastChannel: events.length > 0 ? input.channel : null,
        currencyCode: planned?.changes?.currency_code,
        pickupStoreId: input.pickupStoreId ?? undefined,
      },
      deleteVariantIds: planned?.lines?.deleteVariantIds ?? [],
      upsertLines: upsert,
    },
    events,
  }
}

/** Writes of the same lines: `later` wins for a variant in both, in the order first named. */
function mergeLineWrites(earlier: readonly CartLineWrite[], later: readonly CartLineWrite[]): CartLineWrite[] {
  const byVariant = new Map(earlier.map((line) => [line.variantId, line]))
  for (const line of later) byVariant.set(line.variantId, line)
  return [...byVariant.values()]
}

/**
 * Chooses (or clears) the store the cart will be collected from; availability follows it, and
 * every line is priced again for that store and the write's channel.
 */
export async function setPickupStore(
  db: Db,
  request: WriteOrigin & {
    cartId: string
    credentials: CartCredentials
    storeId: string | null
    holding?: CartHolding
    now: Date
  },
): Promise<CartView> {
  const change = { ...request, eventType: 'pickup_store_set', setsStore: true }
  const { cart } = await changeCart(db, change, ({ state, channel }) => ({
    result: undefined,
    payload: { storeId: request.storeId },
    changes: { pickup_store_id: request.storeId },
    lines: { deleteVariantIds: [], upsert: repricedLines(state, channel) },
  }))
  return cart
}

export async function findCartRow(db: Db, cartId: string): Promise<CartRow | undefined> {
  const [cart] = await cartRepository.findCartsByIds(db, [cartId])
  return cart
}

/** When, where and on which channel carts were started, by cart id or as a page in event order. */
export function findCartStarts(
  db: Db,
  filter: { cartIds: readonly string[] } | { afterEventId: string; limit: number },
): Promise<cartRepository.CartStartRow[]> {
  return cartRepository.findCartStarts(db, filter)
}
