import type { Channel } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { InvalidHandoffCodeError } from './cart.errors.js'
import { HANDOFF_TTL_MINUTES, hashSecret, newCartToken, newHandoffCode, normaliseHandoffCode } from './cart.js'
import * as cartRepository from './cart.repository.js'
import type { CartCredentials } from './cart-access.js'
import { changeCart, recordCartEvent } from './cart-change.js'

/** A short code (for typing or a QR code) that lets one other device open this cart. */
export function createHandoff(
  trx: Trx,
  request: { cartId: string; credentials: CartCredentials; channel: Channel | null; now: Date },
): Promise<{ code: string; expiresAt: Date }> {
  return changeCart(trx, { ...request, eventType: 'handoff_created' }, async ({ cart }) => {
    const code = newHandoffCode()
    const expiresAt = new Date(request.now.getTime() + HANDOFF_TTL_MINUTES * 60_000)
    await cartRepository.insertHandoff(trx, cart.id, hashSecret(code), expiresAt)
    return { result: { code, expiresAt } }
  })
}

/**
 * Redeems a hand-off code once: the claiming device gets a token of its own for the same cart.
 * Wrong, used and expired codes are one error, so a guesser learns nothing.
 */
export async function claimHandoff(
  trx: Trx,
  request: { code: string; channel: Channel; now: Date },
): Promise<{ cartId: string; cartToken: string }> {
  const code = normaliseHandoffCode(request.code)
  const claimed = code
    ? await cartRepository.claimHandoff(trx, hashSecret(code), request.channel, request.now)
    : undefined
  if (!claimed) throw new InvalidHandoffCodeError()
  const cart = await cartRepository.lockCart(trx, claimed.cart_id)
  if (cart?.status !== 'ACTIVE') throw new InvalidHandoffCodeError()
  const cartToken = newCartToken()
  await cartRepository.insertToken(trx, cart.id, hashSecret(cartToken), request.channel)
  await cartRepository.updateCart(trx, cart.id, { last_channel: request.channel })
  await recordCartEvent(trx, {
    cartId: cart.id,
    customerId: cart.customer_id,
    type: 'handoff_claimed',
    channel: request.channel,
    payload: {},
  })
  return { cartId: cart.id, cartToken }
}
