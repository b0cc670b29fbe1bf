import { createContextCache } from '@pothos/core'
import type { GraphQLContext } from '../../graphql/context.js'
import type { CartView } from './cart.js'
import { type CartPricing, priceCart } from './cart-pricing.service.js'

// Keyed by the cart as read, not its id: a request that changes a cart twice (two mutations)
// reads two views of it, and each is priced as it stood.
const pricingCache = createContextCache((_context: GraphQLContext) => new WeakMap<CartView, Promise<CartPricing>>())

/**
 * The cart priced with its promotions, once per request and cart view, whichever of its fields
 * (totals, codes, each line's allocations) asks first; at the request's clock.
 */
export function cartPricingOf(context: GraphQLContext, cart: CartView): Promise<CartPricing> {
  const cache = pricingCache(context)
  let pricing = cache.get(cart)
  if (!pricing) {
    pricing = priceCart(context.db, cart, context.now)
    cache.set(cart, pricing)
  }
  return pricing
}
