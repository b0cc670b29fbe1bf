import { fixedBusinessError } from '../shared/business-error.js'

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
