import type { Db } from '../../db/create-db.js'
import { type OrderDiscounts, orderDiscountsOf } from '../promotions/order-discounts.js'
import { DiscountCodesRefusedError } from '../promotions/promotion.errors.js'
import { priceWithPromotions } from '../promotions/promotion-candidates.service.js'
import type { CheckoutRead } from './checkout-read.repository.js'

/**
 * The discounts the order gets, priced as the cart shows them (same function, same context: the
 * checkout's store, the cart's channel and customer, the checkout's instant). A code the cart
 * carries that does not apply now refuses the checkout: the shopper expected it, so charging
 * without it would be charging an amount they never saw.
 */
export async function checkoutDiscounts(
  db: Db,
  read: CheckoutRead,
  storeId: string,
  at: Date,
): Promise<OrderDiscounts> {
  const { cart } = read
  const { pricing, promotions } = await priceWithPromotions(db, {
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
  const refused = pricing.codes.flatMap((outcome) =>
    outcome.applicable ? [] : [{ code: outcome.code, reason: outcome.reason ?? 'DISCOUNT_CODE_NOT_APPLICABLE' }],
  )
  if (refused.length > 0) throw new DiscountCodesRefusedError(refused)
  return orderDiscountsOf(pricing, promotions)
}
