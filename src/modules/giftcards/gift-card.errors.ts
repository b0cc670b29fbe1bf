import { fixedBusinessError } from '../shared/business-error.js'

export class GiftCardExpiryInPastError extends fixedBusinessError(
  'GIFT_CARD_EXPIRY_IN_PAST',
  ['expiresAt'],
  'A gift card cannot expire before it is issued.',
) {}

/** A card issued for a store holds the store's currency: it pays for what the store sells. */
export class GiftCardCurrencyMismatchError extends fixedBusinessError(
  'GIFT_CARD_CURRENCY_MISMATCH',
  ['currencyCode'],
  "The gift card's currency is not the store's.",
) {}
