import type { Db } from '../../db/create-db.js'
import type { PricingResult } from '../promotions/discount-pricing.js'
import type { PromotionRule } from '../promotions/promotion.js'
import { priceWithPromotions } from '../promotions/promotion-candidates.service.js'
import { type CartView, cartCurrencyCode } from './cart.js'

/** A cart priced with its promotions, and the promotions that were considered (for their names). */
export interface CartPricing {
  pricing: PricingResult
  promotions: PromotionRule[]
}

/**
 * The cart as the shopper sees it at `at`: every line at the unit price it was shown, with the
 * automatic promotions of its store, channel and customer and the codes it holds (or `codes`,
 * to try others). Computed on every read, never stored, so it follows the cart's store, channel
 * and lines as they change; the checkout prices the same way when it places the order. Each
 * line is keyed by its variant id.
 */
export function priceCart(db: Db, cart: CartView, at: Date, codes = cart.discount_codes): Promise<CartPricing> {
  return priceWithPromotions(db, {
    lines: cart.lines.map((line) => ({
      key: line.variant_id,
      variantId: line.variant_id,
      quantity: line.quantity,
      unitPriceMinor: line.unit_price_minor,
      taxRateBp: line.variant.tax_rate_bp,
    })),
    codes,
    currencyCode: cartCurrencyCode(cart),
    context: {
      storeId: cart.pickup_store_id,
      channel: cart.last_channel,
      customerId: cart.customer_id,
      at,
    },
  })
}
