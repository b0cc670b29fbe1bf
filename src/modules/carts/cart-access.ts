import { timingSafeEqual } from 'node:crypto'
import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { CartRow, Channel } from '../../db/database.js'
import { hashSecret } from './cart.js'
import * as cartRepository from './cart.repository.js'

/** What a request presents to reach a cart: who is signed in, and the X-Cart-Token it sent. */
export interface CartCredentials {
  viewer: Viewer
  cartToken: string | null
}

/** How the caller reached the cart; `channel` is the one its token was issued to, if any. */
export interface CartGrant {
  channel: Channel | null
}

/**
 * The owner reaches their cart by their access token; anyone else only with one of the cart's
 * secret tokens, compared in constant time. null means "no such cart" to the caller.
 */
export async function grantCartAccess(db: Db, cart: CartRow, credentials: CartCredentials): Promise<CartGrant | null> {
  const tokens = credentials.cartToken ? await cartRepository.findTokensOfCart(db, cart.id) : []
  return grantCartAccessByTokens(cart, tokens, credentials)
}

/** grantCartAccess for a caller that read the cart's tokens along with the cart. */
export function grantCartAccessByTokens(
  cart: Pick<CartRow, 'customer_id'>,
  tokens: readonly StoredCartToken[],
  credentials: CartCredentials,
): CartGrant | null {
  const tokenChannel = credentials.cartToken ? matchingTokenChannel(tokens, credentials.cartToken) : null
  if (tokenChannel) return { channel: tokenChannel }
  const viewer = credentials.viewer
  if (cart.customer_id && viewer.kind === 'customer' && viewer.customerId === cart.customer_id) return { channel: null }
  return null
}

export interface StoredCartToken {
  token_hash: string
  channel: Channel
}

function matchingTokenChannel(tokens: readonly StoredCartToken[], token: string): Channel | null {
  const presented = Buffer.from(hashSecret(token), 'hex')
  let match: Channel | null = null
  // Compare against every token of the cart, without stopping early, so timing says nothing.
  for (const stored of tokens) {
    const candidate = Buffer.from(stored.token_hash, 'hex')
    if (candidate.length === presented.length && timingSafeEqual(candidate, presented)) match = stored.channel
  }
  return match
}
