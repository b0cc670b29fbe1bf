import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { CartRow, Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findActiveVariants } from '../catalog/catalog.service.js'
import { lockCustomer } from '../customers/customer.service.js'
import { findHoldsOfCarts } from '../inventory/cart-hold.service.js'
import { findStore } from '../stores/store.service.js'
import { UnknownStoreError } from './cart.errors.js'
import { type CartView, hashSecret, newCartToken } from './cart.js'
import * as cartRepository from './cart.repository.js'
import { type CartCredentials, grantCartAccess } from './cart-access.js'
import { changeCart, recordCartEvent } from './cart-change.js'
import type { CartHolding } from './cart-hold-sync.js'
import { addLines, type LineInput } from './cart-lines.service.js'

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
 */
export async function createCart(
  trx: Trx,
  input: { viewer: Viewer; channel: Channel; lines: LineInput[]; pickupStoreId: string | null; holding?: CartHolding },
): Promise<{ cartId: string; cartToken: string }> {
  if (input.pickupStoreId && !(await findStore(trx, input.pickupStoreId))) throw new UnknownStoreError()
  const customerId = input.viewer.kind === 'customer' ? input.viewer.customerId : null
  if (customerId) await lockCustomer(trx, customerId)
  const existing = customerId ? await cartRepository.findActiveCartOfCustomer(trx, customerId) : undefined
  const cart =
    existing ??
    (await cartRepository.insertCart(trx, { customerId, channel: input.channel, pickupStoreId: input.pickupStoreId }))
  const cartToken = newCartToken()
  await cartRepository.insertToken(trx, cart.id, hashSecret(cartToken), input.channel)
  if (!existing) {
    await recordCartEvent(trx, { cartId: cart.id, customerId, type: 'created', channel: input.channel, payload: {} })
  }
  const request = {
    cartId: cart.id,
    credentials: { viewer: input.viewer, cartToken },
    channel: input.channel,
    holding: input.holding,
  }
  if (input.lines.length > 0) await addLines(trx, { ...request, lines: input.lines })
  if (existing && input.pickupStoreId) await setPickupStore(trx, { ...request, storeId: input.pickupStoreId })
  return { cartId: cart.id, cartToken }
}

/** Chooses (or clears) the store the cart will be collected from; availability follows it. */
export async function setPickupStore(
  trx: Trx,
  request: {
    cartId: string
    credentials: CartCredentials
    channel: Channel | null
    storeId: string | null
    holding?: CartHolding
  },
): Promise<void> {
  if (request.storeId && !(await findStore(trx, request.storeId))) throw new UnknownStoreError()
  await changeCart(trx, { ...request, eventType: 'pickup_store_set' }, async () => ({
    result: undefined,
    payload: { storeId: request.storeId },
    changes: { pickup_store_id: request.storeId },
  }))
}

/** The cart's row version once it is locked: a checkout that read it earlier checks it is unchanged. */
export async function lockedCartVersion(trx: Trx, cartId: string): Promise<string | null> {
  return (await cartRepository.lockCartWithVersion(trx, cartId))?.version ?? null
}

export async function findCartRow(db: Db, cartId: string): Promise<CartRow | undefined> {
  const [cart] = await cartRepository.findCartsByIds(db, [cartId])
  return cart
}
