import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

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

export type GiftCardRefusal =
  | 'GIFT_CARD_UNKNOWN'
  | 'GIFT_CARD_EXPIRED'
  | 'GIFT_CARD_EMPTY'
  | 'GIFT_CARD_CURRENCY_MISMATCH'
  | 'GIFT_CARD_DUPLICATE'

const REFUSAL_MESSAGES: Record<GiftCardRefusal, string> = {
  // Unknown and malformed codes read alike, so a guesser learns nothing from the message.
  GIFT_CARD_UNKNOWN: 'No gift card has this code.',
  GIFT_CARD_EXPIRED: 'This gift card has expired.',
  GIFT_CARD_EMPTY: 'This gift card has no balance left.',
  GIFT_CARD_CURRENCY_MISMATCH: 'This gift card is in another currency than the order.',
  GIFT_CARD_DUPLICATE: 'This gift card is given twice.',
}

/** Every code that cannot pay, named by its position, so the shopper or cashier fixes them at once. */
export class GiftCardsRefusedError extends BusinessError {
  constructor(readonly refusals: { index: number; code: GiftCardRefusal }[]) {
    super('gift cards refused')
  }
  userErrors(): UserErrorEntry[] {
    return this.refusals.map(({ index, code }) => ({
      code,
      field: ['giftCardCodes', String(index)],
      message: REFUSAL_MESSAGES[code],
    }))
  }
}

export class TooManyGiftCardsError extends BusinessError {
  constructor(readonly max: number) {
    super('too many gift cards')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'TOO_MANY_GIFT_CARDS',
        field: ['giftCardCodes'],
        message: `At most ${this.max} gift cards pay for one order.`,
      },
    ]
  }
}

/** An adjustment corrects a mistake: the balance stays between nothing and what the card was issued with. */
export class GiftCardAdjustmentOutOfRangeError extends fixedBusinessError(
  'GIFT_CARD_ADJUSTMENT_OUT_OF_RANGE',
  ['amount'],
  'The balance would fall below zero or rise above the amount the card was issued with.',
) {}
