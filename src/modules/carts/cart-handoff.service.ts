import type { Db } from '../../db/create-db.js'
import type { Channel } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import { InvalidHandoffCodeError } from './cart.errors.js'
import { HANDOFF_TTL_MINUTES, hashSecret, newCartToken, newHandoffCode, normaliseHandoffCode } from './cart.js'
import * as cartRepository from './cart.repository.js'
import type { CartCredentials } from './cart-access.js'
import { changeCart, recordCartEvent } from './cart-change.js'
import type { CartHolding } from './cart-hold-sync.js'

/** A claim names the channel the claiming device acts on (its key's, see channels/request-origin.ts). */
type ClaimRequest = Omit<WriteOrigin, 'channel'> & { code: string; channel: Channel; now: Date }

/** A short code (for typing or a QR code) that lets one other device open this cart. */
export async function createHandoff(
  db: Db,
  request: WriteOrigin & {
    cartId: string
    credentials: CartCredentials
    now: Date
    holding?: CartHolding
  },
): Promise<{ code: string; expiresAt: Date }> {
  const code = newHandoffCode()
  const expiresAt = new Date(request.now.getTime() + HANDOFF_TTL_MINUTES * 60_000)
  const { result } = await changeCart(db, { ...request, eventType: 'handoff_created' }, () => ({
    result: { code, expiresAt },
    handoffs: [{ code_hash: hashSecret(code), expires_at: expiresAt }],
  }))
  return result
}

/**
 * A claim from a client, counted against its hand-off limit before the code is looked up (and
 * outside the claim's transaction, which a wrong code rolls back): parallel guesses from one
 * address get five lookups, not forty. A good code gives its attempt back.
 */
export async function claimHandoffCounted(
  db: Db,
  attempts: ClientAttempts,
  request: ClaimRequest,
): Promise<{ cartId: string; cartToken: string }> {
  const attempt = await attempts.handoffClaim()
  const claimed = await inTransaction(db, (trx) => claimHandoff(trx, request))
  await attempt.succeeded()
  return claimed
}

/**
 * Redeems a hand-off code once: the claiming device gets a token of its own for the same cart.
 * Wrong, used and expired codes are one error, so a guesser learns nothing.
 */
export async function claimHandoff(trx: Trx, request: ClaimRequest): Promise<{ cartId: string; cartToken: string }> {
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
    device: request.device,
    storefrontId: request.storefrontId,
  })
  return { cartId: cart.id, cartToken }
}
