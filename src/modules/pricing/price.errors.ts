import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { formatMinorUnits } from '../shared/money.js'

export const UnknownPriceVariantError = fixedBusinessError('UNKNOWN_VARIANT', ['variantId'], 'No variant has this ID.')

export const UnknownPriceStoreError = fixedBusinessError('UNKNOWN_STORE', ['storeId'], 'No store has this ID.')

export const UnknownPriceError = fixedBusinessError('UNKNOWN_PRICE', ['priceId'], 'No price has this ID.')

export const InvalidPriceWindowError = fixedBusinessError(
  'INVALID_PRICE_WINDOW',
  ['endsAt'],
  'A price window ends after it starts: startsAt must be before endsAt.',
)

/** The base price is the variant's own; a window belongs to overrides only. */
export const BasePriceWindowError = fixedBusinessError(
  'INVALID_PRICE_WINDOW',
  ['startsAt'],
  'The base price has no window: give a channel or a store to schedule a price.',
)

export interface ChangedPriceLine {
  /** The line's position in the cart, as the cart lists its lines. */
  index: number
  sku: string
  shownMinor: number
  currentMinor: number
  currencyCode: string
}

/**
 * The checkout would charge a price the shopper was not shown: it charges nothing, and the cart
 * now shows the current prices, which a retry charges.
 */
export class PriceChangedError extends BusinessError {
  constructor(readonly lines: ChangedPriceLine[]) {
    super('price changed')
  }
  userErrors(): UserErrorEntry[] {
    return this.lines.map((line) => ({
      code: 'PRICE_CHANGED',
      field: ['lines', String(line.index)],
      message: `The price of ${line.sku} is now ${formatMinorUnits({ amountMinor: line.currentMinor, currencyCode: line.currencyCode })} (it was ${formatMinorUnits({ amountMinor: line.shownMinor, currencyCode: line.currencyCode })}); the cart shows the new price. Place the order again to pay it.`,
    }))
  }
}
