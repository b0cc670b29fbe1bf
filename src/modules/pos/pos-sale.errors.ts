import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import { formatMinorUnits, MAX_MONEY_MINOR } from '../shared/money.js'

/** Lines the till sent that cannot be sold: each entry names its line. */
export class SaleLinesRejectedError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('sale lines rejected')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
}

export function unknownSaleLine(index: number, by: 'barcode' | 'variantId'): UserErrorEntry {
  return {
    code: 'UNKNOWN_VARIANT',
    field: ['lines', String(index), by],
    message: by === 'barcode' ? 'No product on sale has this barcode.' : 'No variant on sale has this ID.',
  }
}

export function saleCurrencyMismatch(index: number, currencyCode: string): UserErrorEntry {
  return {
    code: 'CURRENCY_MISMATCH',
    field: ['lines', String(index)],
    message: `This item is not priced in ${currencyCode}, the currency of the rest of the sale.`,
  }
}

/** A sale above MAX_MONEY_MINOR: no till takes that much, and its total would not fit the columns. */
export function saleTotalTooLarge(currencyCode: string): UserErrorEntry {
  return {
    code: 'QUANTITY_LIMIT',
    field: ['lines'],
    message: `A sale totals at most ${formatMinorUnits({ amountMinor: MAX_MONEY_MINOR, currencyCode })} ${currencyCode}.`,
  }
}

export const SaleKeyReusedError = fixedBusinessError(
  'IDEMPOTENCY_KEY_REUSED',
  ['idempotencyKey'],
  'This idempotency key was already used for a different sale in this store; use a new key per sale.',
)

export const CardOnReaderError = fixedBusinessError(
  'PAYMENT_PENDING',
  ['payment'],
  'The amount is on the card reader: once the card is accepted, send the sale again with the same idempotencyKey to finish it.',
)

export const SaleAbandonedError = fixedBusinessError(
  'ORDER_CLOSED',
  ['idempotencyKey'],
  'This sale was abandoned (its card payment failed or timed out); start a new sale with a new key.',
)

/** A card sold at the till must still be valid when it is issued, which for a card payment is later. */
export class SoldGiftCardExpiryError extends BusinessError {
  constructor(
    readonly index: number,
    readonly earliest: Date,
  ) {
    super('sold gift card expires too soon')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'GIFT_CARD_EXPIRY_IN_PAST',
        field: ['giftCards', String(this.index), 'expiresAt'],
        message: `A gift card sold at the till must expire after the sale’s payment deadline, ${this.earliest.toISOString()}.`,
      },
    ]
  }
}
