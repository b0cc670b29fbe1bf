import type { Trx } from '../../db/transaction.js'
import { keylessChannel, type WriteOrigin } from '../channels/request-origin.js'
import { lockCustomer } from '../customers/customer.service.js'
import { releaseCartHolds } from '../inventory/cart-hold.service.js'
import { CartNotFoundError } from './cart.errors.js'
import { MAX_DISCOUNT_CODES, MAX_LINE_QUANTITY, MAX_LINES } from './cart.js'
import * as cartRepository from './cart.repository.js'
import { type CartCredentials, grantCartAccess } from './cart-access.js'
import { recordCartEvent } from './cart-change.js'

/**
 * On sign-in with a cart in hand: the cart becomes the customer's, or, when they already have an
 * active cart, its lines are summed into that one (capped at 99 a line and 100 lines) and it is
 * closed as MERGED; its discount codes join the survivor's (up to five, the survivor's first).
 * Devices holding the merged cart's token are moved to the survivor. Locks the
 * customer first, so two devices signing in at once merge one after the other.
 * Returns the id of the customer's active cart afterwards.
 */
export async function attachCartToCustomer(
  trx: Trx,
  request: WriteOrigin & { cartId: string; credentials: CartCredentials; customerId: string },
): Promise<string | null> {
  await lockCustomer(trx, request.customerId)
  const incoming = await cartRepository.lockCart(trx, request.cartId)
  if (!incoming || !(await grantCartAccess(trx, incoming, request.credentials))) throw new CartNotFoundError()
  if (incoming.customer_id && incoming.customer_id !== request.customerId) throw new CartNotFoundError()
  const current = await cartRepository.findActiveCartOfCustomer(trx, request.customerId)
  if (incoming.status !== 'ACTIVE' || incoming.id === current?.id) return current?.id ?? null
  const channel = request.channel ?? keylessChannel(incoming.last_channel)
  const origin = { device: request.device, storefrontId: request.storefrontId }

  if (!current) {
    await cartRepository.updateCart(trx, incoming.id, { customer_id: request.customerId, last_channel: channel })
    await recordCartEvent(trx, {
      cartId: incoming.id,
      customerId: request.customerId,
      type: 'signed_in',
      channel,
      payload: {},
      ...origin,
    })
    return incoming.id
  }

  // Read again under its lock: a change that committed meanwhile (its codes, say) is kept.
  const survivor = (await cartRepository.lockCart(trx, current.id)) ?? current
  const [targetLines, incomingLines] = await Promise.all([
    cartRepository.findLinesOfCarts(trx, [current.id]),
    cartRepository.findLinesOfCarts(trx, [incoming.id]),
  ])
  const quantities = new Map(targetLines.map((line) => [line.variant_id, line.quantity]))
  const sameCurrency =
    !current.currency_code || !incoming.currency_code || current.currency_code === incoming.currency_code
  if (sameCurrency) {
    for (const line of incomingLines) {
      const existing = quantities.get(line.variant_id)
      if (existing === undefined && quantities.size >= MAX_LINES) continue
      const quantity = Math.min(MAX_LINE_QUANTITY, (existing ?? 0) + line.quantity)
      quantities.set(line.variant_id, quantity)
      // Each line keeps a price a device showed: a moved line its own, a summed one the survivor's.
      // The checkout answers PRICE_CHANGED if either no longer holds.
      if (quantity !== existing) {
        await cartRepository.upsertLineQuantity(trx, current.id, {
          variantId: line.variant_id,
          quantity,
          unitPriceMinor: line.unit_price_minor,
        })
      }
    }
  }
  await releaseCartHolds(trx, incoming.id)
  await cartRepository.updateCart(trx, incoming.id, {
    status: 'MERGED',
    merged_into_cart_id: current.id,
    customer_id: request.customerId,
  })
  await cartRepository.moveTokens(trx, incoming.id, current.id)
  await cartRepository.updateCart(trx, current.id, {
    last_channel: channel,
    currency_code: current.currency_code ?? incoming.currency_code,
    discount_codes: [...new Set([...survivor.discount_codes, ...incoming.discount_codes])].slice(0, MAX_DISCOUNT_CODES),
  })
  const payload = { mergedCartId: incoming.id }
  await recordCartEvent(trx, {
    cartId: current.id,
    customerId: request.customerId,
    type: 'merged',
    channel,
    payload,
    ...origin,
  })
  await recordCartEvent(trx, {
    cartId: incoming.id,
    customerId: request.customerId,
    type: 'merged_away',
    channel,
    payload: { intoCartId: current.id },
    ...origin,
  })
  return current.id
}
