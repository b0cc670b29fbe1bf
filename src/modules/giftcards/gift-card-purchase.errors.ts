import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { formatMinorUnits } from '../shared/money.js'

export class GiftCardAmountOutOfRangeError extends BusinessError {
  constructor(
    readonly minMinor: number,
    readonly maxMinor: number,
    readonly currencyCode: string,
  ) {
    super('gift card amount out of range')
  }
  userErrors(): UserErrorEntry[] {
    const min = formatMinorUnits({ amountMinor: this.minMinor, currencyCode: this.currencyCode })
    const max = formatMinorUnits({ amountMinor: this.maxMinor, currencyCode: this.currencyCode })
    return [
      {
        code: 'GIFT_CARD_AMOUNT_OUT_OF_RANGE',
        field: ['amount'],
        message: `A gift card bought online is worth between ${min} and ${max} ${this.currencyCode}.`,
      },
    ]
  }
}

/** A card pays for what a store sells: one in a currency no store takes would be worth nothing. */
export const GiftCardCurrencyNotSoldError = fixedBusinessError(
  'GIFT_CARD_CURRENCY_NOT_SOLD',
  ['currencyCode'],
  'No store sells in this currency.',
)

export const GiftCardRecipientEmailInvalidError = fixedBusinessError(
  'INVALID_EMAIL',
  ['recipientEmail'],
  'This is not a valid email address.',
)

export class GiftCardMessageTooLongError extends BusinessError {
  constructor(readonly maxLength: number) {
    super('gift card message too long')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'GIFT_CARD_MESSAGE_TOO_LONG',
        field: ['message'],
        message: `The message to the recipient is at most ${this.maxLength} characters.`,
      },
    ]
  }
}

export const GiftCardPurchaseKeyReusedError = fixedBusinessError(
  'IDEMPOTENCY_KEY_REUSED',
  ['idempotencyKey'],
  'This idempotency key was used for another gift card purchase: choose a new key for a new purchase.',
)

export const GiftCardPaymentUnavailableError = fixedBusinessError(
  'PAYMENT_UNAVAILABLE',
  null,
  'Card payments cannot be taken right now; nothing was charged. Retry with the same idempotency key.',
)

export const GiftCardPaymentRefusedError = fixedBusinessError(
  'PAYMENT_FAILED',
  null,
  'The payment service refused to start this payment; nothing was charged.',
)
