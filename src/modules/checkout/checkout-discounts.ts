import type { Db } from '../../db/create-db.js'
import type { OrderDiscounts } from '../promotions/order-discounts.js'
import { discountsForOrder } from '../promotions/order-pricing.service.js'
import type { CheckoutRead } from './checkout-read.repository.js'

/**
 * The discounts the order gets, priced as the cart shows them: the same function, the same
 * context (the checkout's store, the cart's channel and customer, the checkout's instant).
 */
export function checkoutDiscounts(db: Db, read: CheckoutRead, storeId: string, at: Date): Promise<OrderDiscounts> {
  const { cart } = read
  return discountsForOrder(db, {
    lines: read.lines.map((line) => ({
      key: line.variant_id,
      variantId: line.variant_id,
      quantity: line.quantity,
      unitPriceMinor: line.unit_price_minor,
      taxRateBp: line.variant.tax_rate_bp,
    })),
    codes: cart.discount_codes,
    currencyCode: cart.currency_code ?? '',
    context: { storeId, channel: cart.last_channel, customerId: cart.customer_id, at },
  })
}
